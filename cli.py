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


@fanout.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--store",
    default="sqlite:///fanout.sqlite",
    show_default=True,
    help="'memory' or sqlite:///PATH (created if missing).",
)
@click.option(
    "--fanout",
    "strategy",
    type=click.Choice(["push", "pull", "hybrid"]),
    default="push",
    show_default=True,
    help="How posts reach followers' home timelines.",
)
@click.option(
    "--hybrid-threshold",
    default=10_000,
    show_default=True,
    type=int,
    help="Followers at which hybrid stops pushing an author's posts.",
)
@click.option(
    "--fanout-workers",
    default=2,
    show_default=True,
    type=int,
    help="Background fan-out threads (0 = deliver inside the request).",
)
@click.option(
    "--operator-token",
    envvar="FANOUT_OPERATOR_TOKEN",
    default=None,
    help="Enables /admin (bulk seeding, audit) for this bearer token.",
)
def serve(
    host: str,
    port: int,
    store: str,
    strategy: str,
    hybrid_threshold: int,
    fanout_workers: int,
    operator_token: str | None,
) -> None:
    """Serve the reference microblog over HTTP (OpenAPI at /openapi.json).

    \b
    Example:
      fanout serve --port 8000 --store sqlite:///blog.sqlite --fanout hybrid
    """
    import uvicorn

    from microblog.api.app import create_app
    from microblog.api.settings import ServerSettings
    from microblog.config import PlatformConfig

    settings = ServerSettings(
        store=store,
        platform=PlatformConfig(fanout=strategy, hybrid_threshold=hybrid_threshold),
        background_fanout_workers=fanout_workers,
        operator_token=operator_token,
    )
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


def main() -> None:
    fanout()


if __name__ == "__main__":
    main()
