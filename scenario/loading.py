"""Load a scenario: read the file, apply `--set` overrides, validate, report every problem."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from scenario.errors import Problem, ScenarioError
from scenario.explain import explain
from scenario.model import Scenario
from scenario.overrides import Overrides, apply_overrides
from scenario.yaml_source import Lines, parse_yaml

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def load_scenario(path: str | Path, overrides: Overrides = ()) -> Scenario:
    """The scenario in `path` with `overrides` (`dotted.path=value`, or a mapping) applied.

    Raises ScenarioError naming the file and listing every problem: missing file, bad YAML
    (with its line), unknown override paths, and every invalid field.
    """
    source = str(path)
    data, lines = parse_yaml(_read(Path(path)), source)
    data.setdefault("name", Path(path).stem)
    applied, problems = apply_overrides(data, overrides, Scenario)
    try:
        scenario = _validate(data, source, Path(path).parent, lines, applied)
    except ScenarioError as exc:
        raise ScenarioError(source, problems + exc.problems) from None
    if problems:
        raise ScenarioError(source, problems)
    return scenario


def scenario_from_dict(
    data: Mapping[str, Any], source: str = "<dict>", base_dir: str | Path | None = None
) -> Scenario:
    """A scenario from already-parsed data, e.g. the `scenario` of a stored Result."""
    return _validate(dict(data), source, base_dir, {}, ())


def resolved_dict(scenario: Scenario) -> dict[str, Any]:
    """Every field with its default filled in, as JSON-ready data for the Result."""
    return scenario.model_dump(mode="json")


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema of a scenario file, for editors and other tools."""
    return {"$schema": JSON_SCHEMA_DIALECT, **Scenario.model_json_schema()}


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problem = Problem("", "no such file")
    except IsADirectoryError:
        problem = Problem("", "is a directory, not a scenario file")
    except (OSError, UnicodeDecodeError) as exc:
        problem = Problem("", f"cannot read: {exc}")
    raise ScenarioError(str(path), [problem])


def _validate(
    data: dict[str, Any],
    source: str,
    base_dir: str | Path | None,
    lines: Lines,
    overridden: Collection[str],
) -> Scenario:
    try:
        return Scenario.model_validate(data, context={"base_dir": base_dir})
    except ValidationError as exc:
        raise ScenarioError(source, explain(exc, Scenario, lines, overridden)) from None
