"""The `fanout` command line: thin Click commands over the library entry points.

Exit codes: 0 success, 1 a gate or SLO failed, 2 bad input.
"""

from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from outcomes.scenario import ScenarioError, load_scenario, scenario_json_schema

BAD_INPUT = 2


def _version() -> str:
    try:
        return version("fanout")
    except PackageNotFoundError:  # running from a source tree without installing
        return "0+unknown"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), prog_name="fanout")
def fanout() -> None:
    """Fanout: simulate and load-test a Weibo-like microblog, then compare the outcomes.

    \b
    Example:
      fanout run scenarios/baseline.yaml
    """


def _check(path: str, overrides: tuple[str, ...]) -> tuple[dict[str, Any], str]:
    """One file's outcome, as data for --json and as a line (or lines) for people."""
    try:
        scenario = load_scenario(path, list(overrides))
    except ScenarioError as exc:
        return {"ok": False, **exc.as_dict()}, f"[red]FAIL[/] {escape(str(exc))}"
    outcome = {"ok": True, "file": path, "name": scenario.name, "problems": []}
    return outcome, f"[green]OK[/]   {escape(path)} ({escape(scenario.name)})"


@fanout.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="PATH=VALUE",
    help="Override a field before validating, e.g. economy.ads.load=0.15.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
def validate(files: tuple[str, ...], overrides: tuple[str, ...], as_json: bool) -> None:
    """Check scenario files and list every problem; exits 2 if any file has one.

    \b
    Example:
      fanout validate scenarios/*.yaml
      fanout validate scenarios/baseline.yaml --set economy.ads.load=0.15
    """
    checks = [_check(path, overrides) for path in files]
    if as_json:
        click.echo(json.dumps([outcome for outcome, _ in checks], indent=2))
    else:
        console = Console(soft_wrap=True, highlight=False)
        for _, line in checks:
            console.print(line)
    if not all(outcome["ok"] for outcome, _ in checks):
        raise SystemExit(BAD_INPUT)


@fanout.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the schema to this file instead of printing it.",
)
def schema(out: Path | None) -> None:
    """Print the JSON Schema of scenario files (for editors; see scenarios/README.md).

    \b
    Example:
      fanout schema --out scenarios/scenario.schema.json
    """
    text = json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"
    if out is None:
        click.echo(text, nl=False)
    else:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            click.echo(f"{out}: cannot write: {exc.strerror}", err=True)
            raise SystemExit(BAD_INPUT) from None
        click.echo(f"wrote {out}")


def main() -> None:
    fanout()


if __name__ == "__main__":
    main()
