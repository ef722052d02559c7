"""The `fanout` command line: thin Click commands over the library entry points.

Exit codes: 0 success, 1 a gate or SLO failed, 2 bad input.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import click


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


def main() -> None:
    fanout()


if __name__ == "__main__":
    main()
