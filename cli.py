"""The `fanout` command line: thin Click commands over the library entry points.

Exit codes: 0 success, 1 a gate or SLO failed, 2 bad input.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource
from rich.console import Console
from rich.markup import escape

from microblog.api.settings import ServerSettings
from microblog.config import PlatformConfig
from outcomes.compare import compare_runs
from outcomes.compare_render import TEXT_FORMATS, comparison_table
from outcomes.fit import DEFAULT_REPLICATIONS
from outcomes.gate import run_gate
from outcomes.gate_render import append_summary, gate_data, gate_table, write_junit
from outcomes.plots import write_timeseries_plots
from outcomes.report import REPORT_FILE, write_report
from outcomes.result import ResultError, load_result, load_run, load_runs
from outcomes.timeseries import labelled_timeseries
from scenario import Scenario, ScenarioError, load_scenario, scenario_json_schema

if TYPE_CHECKING:
    from sim.runner import Parallelism

BAD_INPUT = 2
SERVER_DEFAULTS = {name: field.default for name, field in ServerSettings.model_fields.items()}
PLATFORM_DEFAULTS = {name: field.default for name, field in PlatformConfig.model_fields.items()}
"""`fanout serve` shows the settings' own defaults: one definition of each."""


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
    default=SERVER_DEFAULTS["store"],
    show_default=True,
    help="'memory', sqlite:///PATH (created if missing) or postgresql+psycopg://USER@HOST/DB.",
)
@click.option(
    "--cache",
    default=SERVER_DEFAULTS["cache"],
    show_default=True,
    help="Cache tier: 'memory' (this process) or redis://HOST:PORT/DB (shared by processes).",
)
@click.option(
    "--fanout",
    "strategy",
    type=click.Choice(["push", "pull", "hybrid"]),
    default=PLATFORM_DEFAULTS["fanout"].value,
    show_default=True,
    help="How posts reach followers' home timelines.",
)
@click.option(
    "--hybrid-threshold",
    default=PLATFORM_DEFAULTS["hybrid_threshold"],
    show_default=True,
    type=int,
    help="Followers at which hybrid stops pushing an author's posts.",
)
@click.option(
    "--fanout-workers",
    "background_fanout_workers",
    default=SERVER_DEFAULTS["background_fanout_workers"],
    show_default=True,
    type=click.IntRange(min=0),
    help="Fan-out workers. With --cache redis://... and a --store other processes can open: "
    "'fanout fanout-worker' processes started and stopped with the server (0 = none here, "
    "run them elsewhere). Otherwise threads of the server (0 = deliver inside the request).",
)
@click.option(
    "--operator-token",
    default=None,
    help="Enables /admin (bulk seeding, audit) for this bearer token.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Server processes on the one port (uvicorn's); more than 1 needs a Redis --cache "
    "and a shared --store (SQLite or PostgreSQL).",
)
@click.option(
    "--request-threads",
    default=SERVER_DEFAULTS["request_threads"],
    show_default=True,
    type=click.IntRange(min=1, max=256),
    help="Threads running handlers off the event loop at once in each server process (see "
    "--handlers); more requests wait for one (more threads only queue for the store's "
    "write lock and the GIL).",
)
@click.option(
    "--handlers",
    type=click.Choice(["auto", "event_loop", "threadpool"]),
    default=SERVER_DEFAULTS["handlers"],
    show_default=True,
    help="Where synchronous handlers run: on the event loop (store and cache in this "
    "process: no thread hop, no contention for the GIL) or on the threadpool (a store or "
    "cache over the network); auto picks by --store and --cache. Handlers that wait (a "
    "gateway, Pillow) always use the threadpool.",
)
@click.option(
    "--rate-limits/--no-rate-limits",
    default=None,
    help="Enforce the published per-IP, per-user and per-action limits (429 over them). "
    "Default: on, unless FANOUT_PLATFORM sets platform.rate_limits.",
)
@click.option(
    "--media",
    default=None,
    help="Directory of photo bytes, or 'memory' [default: PATH.media beside an SQLite "
    "store, memory with --store memory, else ./fanout-media].",
)
@click.option(
    "--allow-private-callbacks/--public-callbacks-only",
    default=None,
    help="Let fan services' developer-mode callbacks go to loopback and private addresses "
    "(an app on this machine). Default: public addresses only, unless FANOUT_PLATFORM "
    "sets platform.fanservice.allow_private_callbacks.",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int, **options: Any) -> None:
    """Serve the reference microblog over HTTP (OpenAPI at /openapi.json).

    Each setting is taken from its option when given, else from its FANOUT_* environment
    variable (FANOUT_STORE, FANOUT_CACHE, FANOUT_PLATFORM as JSON, FANOUT_OPERATOR_TOKEN,
    FANOUT_CACHE_PREFIX, ...: microblog.api.settings), else from the default shown.

    \b
    Examples:
      fanout serve --port 8000 --store sqlite:///blog.sqlite --fanout hybrid
      fanout serve --workers 2 --store postgresql+psycopg://postgres@127.0.0.1/test \\
          --cache redis://127.0.0.1:6379/0 --fanout-workers 2
      FANOUT_STORE=sqlite:///blog.sqlite fanout serve --port 8001
      fanout serve --allow-private-callbacks   # a fan service's app on 127.0.0.1
    """
    import uvicorn

    from microblog.api.app import APP_FACTORY, export_settings
    from microblog.api.settings import require_shared_tiers

    given = {
        name: value
        for name, value in options.items()
        if ctx.get_parameter_source(name) is not ParameterSource.DEFAULT
    }
    with _bad_input_exits_2():
        settings = _server_settings(given)
        require_shared_tiers(settings, workers)
    export_settings(settings)
    with _fanout_worker_processes(settings):
        # At log level warning uvicorn's access log (INFO) is never written, so it is off
        # rather than built and filtered on every request.
        uvicorn.run(
            APP_FACTORY, factory=True, workers=workers, host=host, port=port,
            log_level="warning", access_log=False,
        )  # fmt: skip


def _server_settings(given: dict[str, Any]) -> ServerSettings:
    """The options given on the command line over the FANOUT_* environment over the
    defaults; a platform option changes that one field of the environment's platform. A
    served platform enforces its rate limits unless an option or FANOUT_PLATFORM says not."""
    platform_fields = {"strategy": "fanout", "hybrid_threshold": "hybrid_threshold"}
    platform = {platform_fields[k]: given.pop(k) for k in list(given) if k in platform_fields}
    enforce = given.pop("rate_limits", None)
    private_callbacks = given.pop("allow_private_callbacks", None)
    if enforce is None and "FANOUT_PLATFORM" not in os.environ:
        enforce = True
    if not platform and enforce is None and private_callbacks is None:
        return ServerSettings(**given)
    from_environment = ServerSettings().platform.model_dump()
    if enforce is not None:
        platform["rate_limits"] = {**from_environment["rate_limits"], "enabled": enforce}
    if private_callbacks is not None:
        fanservice = from_environment["fanservice"]
        platform["fanservice"] = {**fanservice, "allow_private_callbacks": private_callbacks}
    return ServerSettings(
        **given, platform=PlatformConfig.model_validate({**from_environment, **platform})
    )


@contextmanager
def _fanout_worker_processes(settings: ServerSettings) -> Iterator[None]:
    """The server's fan-out worker processes, when its fan-out goes through Redis."""
    from microblog.fanout import delivered_by_worker_processes
    from microblog.fanout.processes import FanoutWorkersError, fanout_worker_processes

    store, cache, count = settings.store, settings.cache, settings.background_fanout_workers
    if delivered_by_worker_processes(store, cache) and not count:
        click.echo("fanout: no fan-out workers here: run 'fanout fanout-worker'", err=True)
    try:
        with fanout_worker_processes(store, cache, count, settings.environment()) as started:
            if started:
                signal.signal(signal.SIGTERM, _exit_on_sigterm)
            yield
    except FanoutWorkersError as error:
        click.echo(f"fanout: {error}", err=True)
        raise SystemExit(1) from None


def _exit_on_sigterm(signum: int, frame: object) -> None:
    """Uvicorn stops gracefully on SIGTERM, then raises it again: leave by SystemExit here
    instead of dying of it, so `serve` stops its fan-out workers on the way out."""
    raise SystemExit(0)


def _stop_on_sigterm(signum: int, frame: object) -> None:
    """A load test told to stop (SIGTERM, as a CI runner or `kill` sends it) leaves by
    SystemExit, so the server and Locust it started, each in a process group of its own,
    are stopped on the way out instead of left running."""
    raise SystemExit(128 + signum)


def _shared(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """A store or cache a worker in another process can open: not this process's memory."""
    if value == "memory":
        raise click.BadParameter(
            "a fan-out worker runs in its own process and cannot see another's memory; "
            "give the URL the server uses"
        )
    return value


@fanout.command("fanout-worker")
@click.option(
    "--store",
    envvar="FANOUT_STORE",
    required=True,
    show_envvar=True,
    callback=_shared,
    help="The server's store: sqlite:///PATH or postgresql+psycopg://USER@HOST/DB.",
)
@click.option(
    "--cache",
    envvar="FANOUT_CACHE",
    required=True,
    show_envvar=True,
    callback=_shared,
    help="The server's Redis cache tier, where the queue is: redis://HOST:PORT/DB.",
)
@click.option(
    "--cache-prefix",
    envvar="FANOUT_CACHE_PREFIX",
    default="fanout:",
    show_default=True,
    show_envvar=True,
    help="The server's key prefix.",
)
@click.option(
    "--name",
    default=None,
    help="This worker's consumer name in the group [default: HOST-PID]. A worker restarted "
    "under its old name finishes that one's pending jobs first.",
)
@click.option(
    "--concurrency",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Jobs delivered at once (threads, one consumer each).",
)
@click.option("--parent-pid", type=int, hidden=True, help="Stop when this process is gone.")
def fanout_worker(
    store: str,
    cache: str,
    cache_prefix: str,
    name: str | None,
    concurrency: int,
    parent_pid: int | None,
) -> None:
    """Deliver posts to followers' home timelines from the Redis fan-out queue.

    Run any number, on any machine that reaches the store and Redis; they share the jobs.
    The platform's rules (FANOUT_PLATFORM) and the queue's settings
    (FANOUT_FANOUT_QUEUE__*) are read from the environment, as the server reads them.
    SIGTERM or SIGINT stops it after the current chunk; what is left of that post is
    delivered by another worker.

    \b
    Example:
      fanout fanout-worker --store postgresql+psycopg://postgres@10.0.0.5/blog \\
          --cache redis://10.0.0.6:6379/0 --concurrency 4
    """
    import logging
    import socket
    import threading

    from microblog.deployment import build_platform
    from microblog.errors import Invalid
    from microblog.fanout.worker import run_worker, stop_on_signals

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = ServerSettings(store=store, cache=cache, cache_prefix=cache_prefix)
    with _bad_input_exits_2(Invalid):
        blog = build_platform(settings)
    stop = threading.Event()
    stop_on_signals(stop)
    try:
        worker_name = name or f"{socket.gethostname()}-{os.getpid()}"
        run_worker(blog, settings.fanout_queue, worker_name, concurrency, stop, parent_pid)
    finally:
        blog.close()


@fanout.command("rebuild-timelines")
@click.option(
    "--store",
    required=True,
    help="The servers' store: sqlite:///PATH or postgresql+psycopg://USER@HOST/DB.",
)
@click.option("--cache", required=True, help="The servers' cache tier: redis://HOST:PORT/DB.")
@click.option(
    "--cache-prefix",
    default="fanout:",
    show_default=True,
    envvar="FANOUT_CACHE_PREFIX",
    help="Prefix of the platform's Redis keys (the servers' FANOUT_CACHE_PREFIX).",
)
@click.option("--account", "account_id", type=click.IntRange(min=1), help="Only this account.")
@click.option("--json", "as_json", is_flag=True, help="Print how many were rebuilt as JSON.")
def rebuild_timelines(
    store: str, cache: str, cache_prefix: str, account_id: int | None, as_json: bool
) -> None:
    """Rebuild home timelines in Redis from the store (all accounts, or one).

    Timelines also rebuild lazily on read; this saves the first readers the wait after
    Redis lost its data. Progress goes to stderr.

    \b
    Example:
      fanout rebuild-timelines --store postgresql+psycopg://postgres@127.0.0.1/test \\
        --cache redis://127.0.0.1:6379/0
    """
    from sqlalchemy.exc import ArgumentError, OperationalError

    from microblog.errors import DomainError
    from microblog.rebuild import rebuild_timelines as rebuild

    try:
        done = rebuild(store, cache, cache_prefix, account_id, _rebuild_progress)
    except DomainError as exc:
        click.echo(f"fanout: {exc.message}", err=True)
        raise SystemExit(BAD_INPUT) from None
    except (ArgumentError, OperationalError) as exc:
        click.echo(f"fanout: cannot open the store {store!r}: {exc}", err=True)
        raise SystemExit(BAD_INPUT) from None
    if as_json:
        _print_json({"rebuilt": done})
    else:
        click.echo(f"rebuilt {done} home timeline{'s' if done != 1 else ''}")


def _rebuild_progress(done: int) -> None:
    click.echo(f"rebuilt {done} timelines ...", err=True)


@fanout.group()
def certifications() -> None:
    """Operators: the certification queue, approvals and rejections, straight on the store.

    The same decisions as POST /admin/certifications/ID/approve|reject, kept with the
    operator's name for the audit trail; useful where no server runs.

    \b
    Example:
      fanout certifications list --store sqlite:///fanout.sqlite --status pending
      fanout certifications approve 7 --store sqlite:///fanout.sqlite --operator ops-li
    """


StoreOption = click.option(
    "--store",
    required=True,
    help="The platform's store: sqlite:///PATH or postgresql+psycopg://...",
)
JsonOption = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
DecisionOptions = [
    click.argument("certification_id", type=click.IntRange(min=1)),
    StoreOption,
    click.option("--operator", required=True, help="Who decides (kept in the audit trail)."),
    click.option("--note", default="", help="Why (kept in the audit trail)."),
    JsonOption,
]


@contextmanager
def _certification_service(store: str) -> Iterator[Any]:
    """The certification service over the store; a domain or connection error exits 2."""
    from sqlalchemy.exc import ArgumentError, OperationalError

    from microblog.errors import DomainError
    from microblog.services.certifications import Certifications
    from microblog.services.context import Context
    from microblog.store import open_store

    try:
        opened = open_store(store)
        try:
            yield Certifications(Context(opened))
        finally:
            opened.close()
    except DomainError as exc:
        click.echo(f"fanout: {exc.message}", err=True)
        raise SystemExit(BAD_INPUT) from None
    except (ArgumentError, OperationalError) as exc:
        click.echo(f"fanout: cannot open the store {store!r}: {exc}", err=True)
        raise SystemExit(BAD_INPUT) from None


def _print_certification(row: Any, as_json: bool) -> None:
    from dataclasses import asdict

    if as_json:
        _print_json(asdict(row))
    else:
        decided = f" by {row.decided_by}" if row.decided_by else ""
        click.echo(
            f"#{row.id} account {row.account_id} {row.kind.value}: {row.status.value}{decided}"
        )


@certifications.command("list")
@StoreOption
@click.option(
    "--status", type=click.Choice(["pending", "approved", "rejected"]), help="Only this status."
)
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 100))
@JsonOption
def certifications_list(store: str, status: str | None, limit: int, as_json: bool) -> None:
    """Applications newest first: the queue (--status pending) or the audit trail.

    \b
    Example:
      fanout certifications list --store sqlite:///fanout.sqlite --status pending --json
    """
    from dataclasses import asdict

    from microblog.certification_models import CertificationStatus

    with _certification_service(store) as service:
        wanted = CertificationStatus(status) if status else None
        rows = service.listed(wanted, None, limit).items
    if as_json:
        _print_json([asdict(row) for row in rows])
        return
    for row in rows:
        _print_certification(row, as_json=False)


def _decision_command(name: str, doc: str) -> None:
    def decide(certification_id: int, store: str, operator: str, note: str, as_json: bool) -> None:
        with _certification_service(store) as service:
            row = getattr(service, name)(certification_id, operator, note)
        _print_certification(row, as_json)

    decide.__doc__ = doc
    for option in reversed(DecisionOptions):
        decide = option(decide)
    certifications.command(name)(decide)


_decision_command(
    "approve",
    """Certify the account: its kind's role and tier, and verified. Exit 2 when there is
    no such application, it was already decided, or the input is bad.

    \b
    Example:
      fanout certifications approve 7 --store sqlite:///fanout.sqlite --operator ops-li
    """,
)
_decision_command(
    "reject",
    """Reject the application; the account stays unverified and may apply again.

    \b
    Example:
      fanout certifications reject 7 --store sqlite:///fanout.sqlite --operator ops-li \\
        --note "no licence"
    """,
)


BAD_INPUT_ERRORS: tuple[type[Exception], ...] = (ResultError, ValueError)
"""What bad input raises: every input error of the project is a ValueError (ScenarioError,
EdgeListError, CalibrationError, LoadtestInputError, HostRefused, TraceError, ...)."""


@contextmanager
def _bad_input_exits_2(*kinds: type[Exception]) -> Iterator[None]:
    """The one way a command reports bad input: `fanout: <message>` on stderr, exit 2.

    The messages name the file, field and value. `kinds` narrows what counts as bad input
    around code that runs the model, where a bare ValueError would be a bug, not input.
    """
    caught = kinds or BAD_INPUT_ERRORS
    try:
        yield
    except caught as exc:
        click.echo(f"fanout: {exc}", err=True)
        raise SystemExit(BAD_INPUT) from None


@contextmanager
def _load_test_failure_exits_1() -> Iterator[None]:
    """Locust or the server did not run as asked: the test failed (exit 1), the input did not."""
    from loadtests.control.runner import LocustError
    from loadtests.control.server import ServerError

    try:
        yield
    except (LocustError, ServerError) as exc:
        click.echo(f"fanout: load test failed: {exc}", err=True)
        raise SystemExit(1) from exc


def _print_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2))


def _progress(line: str) -> None:
    """A load test's progress lines go to stderr, so stdout stays parseable with --json."""
    click.echo(line, err=True)


RunPaths = click.argument("results", nargs=-1, required=True, type=click.Path(path_type=Path))
SetOption = click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="PATH=VALUE",
    help="Override a scenario field, e.g. economy.ads.load=0.15 (repeatable; "
    "YAML values, e.g. 'slos=[]').",
)


@fanout.command()
@RunPaths
@click.option(
    "-m",
    "--metric",
    "--metrics",
    "patterns",
    multiple=True,
    metavar="GLOB",
    help="Only metrics matching this glob (repeatable), e.g. 'latency.*'.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", *TEXT_FORMATS]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option(
    "--plot",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Also save one PNG per shared timeseries column, runs overlaid.",
)
def compare(
    results: tuple[Path, ...], patterns: tuple[str, ...], fmt: str, as_json: bool, plot: Path | None
) -> None:
    """Compare runs metric by metric: each run's change against the first, and its significance.

    RESULTS are run directories or summary.json files. A change is significant when Welch's
    t-test over the runs' replications stays below 0.05 after adjusting for the number of
    metrics compared (Benjamini-Hochberg; shown as q), else when the 95 % intervals do not
    overlap; `n.s.` marks the rest.

    \b
    Example:
      fanout compare results/main results/pr -m 'latency.*' --format markdown
    """
    with _bad_input_exits_2():
        runs = load_runs(results)
        comparison = compare_runs(runs, patterns)
        series = labelled_timeseries(runs) if plot is not None else []
    fmt = "json" if as_json else fmt
    if fmt == "table":
        Console().print(comparison_table(comparison))
    else:
        click.echo(TEXT_FORMATS[fmt](comparison), nl=False)
    if plot is not None:
        click.echo(f"wrote {len(write_timeseries_plots(series, plot))} plots to {plot}", err=True)


@fanout.command()
@click.argument("result", type=click.Path(path_type=Path))
@click.option(
    "--baseline",
    type=click.Path(path_type=Path),
    metavar="RESULT",
    help="Run to check regressions against (directory or summary.json).",
)
@click.option(
    "--slo",
    "slos",
    multiple=True,
    metavar="EXPR",
    help="Extra SLO, e.g. 'latency.timeline_read.p95_ms <= 200' (repeatable).",
)
@click.option(
    "--max-regression",
    "limits",
    multiple=True,
    metavar="GLOB=PCT%",
    help="Largest allowed worsening vs the baseline, e.g. 'latency.*.p95_ms=10%'.",
)
@click.option(
    "--junit",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write JUnit XML: one test case per check.",
)
@click.option(
    "--summary",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help='Append a markdown summary, e.g. "$GITHUB_STEP_SUMMARY".',
)
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
def gate(
    result: Path,
    baseline: Path | None,
    slos: tuple[str, ...],
    limits: tuple[str, ...],
    junit: Path | None,
    summary: Path | None,
    as_json: bool,
) -> None:
    """Check a run's SLOs (flags and its scenario's) and regressions against a baseline.

    Exit code 0 when every check passes, 1 when any fails, 2 on bad input.

    \b
    Example:
      fanout gate results/pr --baseline results/main \\
        --max-regression 'latency.*.p95_ms=10%' --junit junit.xml
    """
    with _bad_input_exits_2():
        current = load_result(result)
        base = load_result(baseline) if baseline is not None else None
        report = run_gate(current, slos, base, limits)
    if junit is not None:
        write_junit(report, junit)
    if summary is not None:
        append_summary(report, summary)
    if as_json:
        _print_json(gate_data(report))
    else:
        Console().print(gate_table(report))
    raise SystemExit(0 if report.passed else 1)


@fanout.command()
@RunPaths
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help=f"HTML file to write [default: RUN/{REPORT_FILE} for one run, "
    "comparison.html for several].",
)
@click.option("--json", "as_json", is_flag=True, help="Print the written path as JSON.")
def report(results: tuple[Path, ...], out: Path | None, as_json: bool) -> None:
    """Write a self-contained HTML report of one run, or a side-by-side comparison of several.

    The page opens on every SLO's verdict and the headline numbers (a comparison: each
    one's change against the first run, marked where significant), then charts by question.

    \b
    Example:
      fanout report results/main results/pr --out comparison.html
    """
    with _bad_input_exits_2():
        runs = load_runs(results)
        default = runs[0].run_dir / REPORT_FILE if len(runs) == 1 else Path("comparison.html")
        written = write_report(runs, out or default)
    if as_json:
        _print_json({"report": str(written)})
    else:
        click.echo(f"wrote {written}")


@fanout.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option(
    "--host",
    metavar="URL",
    help="Test this running server instead of starting one; loopback addresses only, "
    "unless --allow-remote.",
)
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Let --host name a deployment on another machine (one you are allowed to load).",
)
@click.option(
    "--operator-token",
    envvar="FANOUT_OPERATOR_TOKEN",
    default=None,
    help="Operator token of --host, for seeding and fan-out statistics.",
)
@click.option("--users", type=click.IntRange(min=1), help="Concurrent users (loadtest.users).")
@click.option(
    "--spawn-rate", type=click.FloatRange(min=0, min_open=True), help="Users started per second."
)
@click.option("--run-time", metavar="DURATION", help="Length of the test, e.g. 60s, 2m, 1h30m.")
@click.option(
    "--rate",
    type=click.FloatRange(min=0, min_open=True),
    metavar="ACTIONS/S",
    help="Open model: user sessions (not requests) per second, on a schedule; "
    "latency counts from each action's intended start (loadtest.rate_actions_per_s).",
)
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    help="Locust worker processes on this machine (above 1, with a master).",
)
@click.option("--ui", is_flag=True, help="Run with Locust's web UI on 127.0.0.1 (autostarted).")
@SetOption
@click.option(
    "--replay",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="TRACE",
    help="Replay a trace of JSON lines (the simulator's --trace) instead of the task mix.",
)
@click.option(
    "--speedup",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    help="Replay this many simulated seconds per real second.",
)
@click.option(
    "--max-actors",
    type=click.IntRange(min=1),
    default=20_000,
    show_default=True,
    help="Seed one account per traced actor up to this many; beyond, actors share accounts.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Run directory [default: results/<scenario>-loadtest-<time>].",
)
@click.option("--json", "as_json", is_flag=True, help="Print the metrics and checks as JSON.")
def loadtest(
    scenario: str,
    host: str | None,
    allow_remote: bool,
    operator_token: str | None,
    users: int | None,
    spawn_rate: float | None,
    run_time: str | None,
    rate: float | None,
    processes: int | None,
    ui: bool,
    overrides: tuple[str, ...],
    replay: Path | None,
    speedup: float,
    max_actors: int,
    out: Path | None,
    as_json: bool,
) -> None:
    """Load-test the reference microblog over HTTP with Locust; check the scenario's SLOs.

    Starts the server on 127.0.0.1 (or tests --host: loopback, or another machine with
    --allow-remote), seeds the scenario's load-test population, runs the load and writes
    summary.json, timeseries.csv, report.html and Locust's own reports under locust/.
    With --rate, latency counts from when each request was due on the users' schedule
    (coordinated omission corrected), the response time beside it as response.*.
    Exit code 0 when every SLO holds, 1 when one fails (or a chat message was lost, or
    the ledger audit or a payment retry failed), 2 on bad input.

    \b
    Examples:
      fanout loadtest scenarios/ci-smoke.yaml
      fanout loadtest scenarios/baseline.yaml --users 100 --run-time 2m --processes 2
      fanout loadtest scenarios/baseline.yaml --rate 20 --out results/open-20
      fanout loadtest scenarios/baseline.yaml --replay trace.jsonl --speedup 60
      fanout loadtest scenarios/ci-smoke.yaml --host https://staging.example.net \\
          --allow-remote --operator-token "$TOKEN"
    """
    from loadtests.control.render import loadtest_data, loadtest_table
    from loadtests.control.request import LoadtestRequest, flag_overrides, prepare
    from loadtests.control.run import execute
    from outcomes.headline import headline
    from outcomes.headline_render import headline_console

    flags = {"users": users, "spawn_rate": spawn_rate, "run_time": run_time}
    flags |= {"rate": rate, "processes": processes}
    with _bad_input_exits_2():
        request = LoadtestRequest(
            scenario, (*overrides, *flag_overrides(flags)), host, operator_token, out, ui,
            replay, speedup, allow_remote, max_actors,
        )  # fmt: skip
        prepared = prepare(request)
    for note in prepared.notes:
        click.echo(f"fanout: note: {note}", err=True)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    with _load_test_failure_exits_1():
        outcome = execute(prepared, progress=_progress)
    if as_json:
        _print_json(loadtest_data(outcome))
    else:  # the report's first screen (its verdicts are the gate's), then every path
        Console().print(headline_console(headline([load_run(outcome.run_dir)])))
        Console().print(loadtest_table(outcome.result))
        click.echo(f"wrote {outcome.run_dir}")
    for message, count in outcome.exceptions.items():
        click.echo(f"fanout: load-test users raised {count} x {message}", err=True)
    for problem in outcome.problems:
        click.echo(f"fanout: load test failed its own check: {problem}", err=True)
    raise SystemExit(0 if outcome.passed else 1)


@fanout.command()
@click.argument("result", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("calibration.yaml"),
    show_default=True,
    help="Calibration file to write.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the calibration as JSON.")
def calibrate(result: Path, out: Path, as_json: bool) -> None:
    """Fit the capacity model's unit costs from a load test of the reference microblog.

    RESULT is a `fanout loadtest` run directory (or its summary.json). Writes a calibration
    file that a scenario includes with `platform.capacity.calibration: FILE`, and reports
    the fit: R², residuals, each path's fixed part and shape, and, when the load test held
    3 or more user counts (a stepped load), a Universal Scalability Law curve of throughput
    against concurrency (see docs/capacity.md).

    \b
    Example:
      fanout loadtest scenarios/ci-smoke.yaml --out results/calib
      fanout calibrate results/calib --out calibration.yaml
      fanout loadtest scenarios/calibrate-steps.yaml --out results/steps
      fanout calibrate results/steps --out calibration.yaml
    """
    from scenario.calibration import write_calibration
    from sim.capacity.fit import calibrate as fit_calibration
    from sim.capacity.render import calibration_table, scalability_line

    with _bad_input_exits_2():
        calibration = fit_calibration(load_result(result), str(result))
    write_calibration(out, calibration)
    if as_json:
        _print_json(calibration.model_dump(mode="json"))
        return
    Console().print(calibration_table(calibration))
    click.echo(scalability_line(calibration.scalability))
    click.echo(f"wrote {out}")


@fanout.command("check-model")
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option(
    "--calibration",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Calibration file [default: the scenario's platform.capacity.calibration].",
)
@click.option(
    "--horizon",
    type=click.FloatRange(min=0, min_open=True),
    default=600.0,
    show_default=True,
    metavar="SECONDS",
    help="Simulated seconds of the prediction.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Run directory of the load test [default: results/<scenario>-loadtest-<time>].",
)
@click.option(
    "--run-time",
    metavar="DURATION",
    help="Length of the load test, e.g. 2m: a longer test measures percentiles with less "
    "sampling noise (a p95 of 200 requests rests on its 10 slowest).",
)
@SetOption
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
def check_model(
    scenario: str,
    calibration: Path | None,
    horizon: float,
    out: Path | None,
    run_time: str | None,
    overrides: tuple[str, ...],
    as_json: bool,
) -> None:
    """Load-test the microblog and predict it with the calibrated capacity model, per path.

    Runs the scenario's load test (as `fanout loadtest`), then the capacity model alone at
    each path's measured throughput, on the measured deployment with the calibrated costs,
    and prints measured against predicted p50, p95, p99 and throughput with the error in
    percent. Exit code 0 with the comparison, 1 when the load test could not run, 2 on bad
    input (e.g. no calibration; checked before the load test starts).

    \b
    Example:
      fanout calibrate results/calib --out calibration.yaml
      fanout check-model scenarios/ci-smoke.yaml --calibration calibration.yaml
      fanout check-model scenarios/ci-smoke.yaml --calibration calibration.yaml --run-time 2m
    """
    from loadtests.control.request import LoadtestRequest, flag_overrides, prepare
    from loadtests.control.run import execute
    from scenario.calibration import CalibrationError
    from sim.capacity.fit import CalibrationInputError
    from sim.capacity.model_check import calibration_override, check_against_load_test
    from sim.capacity.render import check_table

    with _bad_input_exits_2():
        flags = [*flag_overrides({"run_time": run_time}), *calibration_override(calibration)]
        prepared = prepare(LoadtestRequest(scenario, (*overrides, *flags), out=out))
    run_load_test = partial(execute, progress=_progress)
    with _bad_input_exits_2(CalibrationError, CalibrationInputError), _load_test_failure_exits_1():
        measured = check_against_load_test(scenario, prepared, run_load_test, horizon)
    if as_json:
        _print_json(measured.as_dict())
        return
    Console().print(check_table(measured.check))
    click.echo(f"load test in {measured.run_dir}")


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
@SetOption
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
        return
    with _bad_input_exits_2():
        _write_text(out, text)
    click.echo(f"wrote {out}")


def _write_text(path: Path, text: str) -> None:
    """Write `text` to a file the user named; a place that cannot be written is bad input."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"{path}: cannot write: {exc.strerror}") from None


def _scenario_for_run(
    path: str, overrides: tuple[str, ...], extra: list[tuple[str, Any]]
) -> Scenario:
    """The scenario with --set and the run's own flags applied; bad input exits 2."""
    with _bad_input_exits_2():
        return load_scenario(path, [*overrides, *extra])  # type: ignore[list-item]


def _parallelism(
    shards: int | None, jobs: int | None, cluster: str | None, trace: Path | None
) -> Parallelism | None:
    """--shards, --jobs and --cluster as the run's parallelism (None: this process only)."""
    from sim.runner import Parallelism

    if shards is None and jobs is None:
        if cluster is not None:
            raise click.UsageError("--cluster runs shards or jobs: give --shards or --jobs")
        return None
    if shards is not None and jobs is not None:
        raise click.UsageError("--jobs runs whole replications: it cannot go with --shards")
    if trace is not None:
        raise click.UsageError("--trace records one process's calls: not with --shards or --jobs")
    return Parallelism(shards, jobs or 1, cluster)


def _run_flags(
    seed: int | None, replications: int | None, graph: Path | None, undirected: bool
) -> list[tuple[str, Any]]:
    """--seed, --replications, --graph and --undirected as scenario overrides."""
    extra: list[tuple[str, Any]] = []
    if seed is not None:
        extra.append(("seed", seed))
    if replications is not None:
        extra.append(("replications", replications))
    if graph is not None:
        extra += [("population.graph.kind", "edgelist"), ("population.graph.path", str(graph))]
    if undirected:
        extra.append(("population.graph.undirected", True))
    return extra


@fanout.command()
@click.argument("scenario_file", metavar="SCENARIO", type=click.Path(dir_okay=False))
@SetOption
@click.option("--seed", type=click.IntRange(min=0), help="Seed instead of the scenario's.")
@click.option("--replications", type=click.IntRange(min=1), help="Independent runs to average.")
@click.option(
    "--graph",
    type=click.Path(exists=True, dir_okay=False, resolve_path=True, path_type=Path),
    metavar="FILE",
    help="Follower graph edge list ('follower followee' per line; # and % comment lines).",
)
@click.option("--undirected", is_flag=True, help="Read each edge-list line as a mutual follow.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Run directory [default: results/<scenario>-<UTC time>].",
)
@click.option(
    "--trace",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write every action as a JSON line (t, actor, action, params) for replay.",
)
@click.option(
    "--shards",
    type=click.IntRange(min=1),
    metavar="K",
    help="Split each replication by account over K shards on Ray (docs/sharding.md); "
    "every activity crosses shards.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="Run up to N whole replications at once on Ray (not with --shards).",
)
@click.option(
    "--cluster",
    metavar="ADDRESS",
    help="Ray cluster for --shards or --jobs [default: a local one on 127.0.0.1].",
)
@click.option("--json", "as_json", is_flag=True, help="Print summary.json instead of a table.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def run(
    scenario_file: str,
    overrides: tuple[str, ...],
    seed: int | None,
    replications: int | None,
    graph: Path | None,
    undirected: bool,
    out: Path | None,
    trace: Path | None,
    shards: int | None,
    jobs: int | None,
    cluster: str | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Simulate a scenario: traffic, latency, fan-out, users, retention; write a run dir.

    The run directory gets summary.json, timeseries.csv, PNG plots and report.html.

    \b
    Example:
      fanout run scenarios/baseline.yaml
      fanout run scenarios/celebrity-storm.yaml --set platform.fanout=push --out results/push
      fanout run scenarios/ci-smoke.yaml --shards 2 --set behaviour.per_session.gift=0 ...
    """
    from outcomes.headline import headline
    from outcomes.headline_render import headline_console
    from sim.edgelist import EdgeListError
    from sim.output import default_run_dir, write_run
    from sim.runner import simulate
    from sim.terminal import progress_bar

    parallel = _parallelism(shards, jobs, cluster, trace)
    scenario = _scenario_for_run(
        scenario_file, overrides, _run_flags(seed, replications, graph, undirected)
    )
    console = Console(stderr=True)
    show = console.is_terminal and not quiet
    # the graph file is read while simulating: a bad one is still bad input
    with _bad_input_exits_2(EdgeListError, ScenarioError), progress_bar(console, show) as progress:
        finished = simulate(scenario, trace, progress, parallel)
    run_dir = out or default_run_dir(scenario.name)
    report_path = write_run(finished, run_dir)
    if as_json:
        click.echo(finished.result.model_dump_json(indent=2))
        return
    Console().print(headline_console(headline([load_run(run_dir)])))
    click.echo(f"wrote {run_dir} (report: {report_path})")


@fanout.command()
@click.argument("scenario_file", metavar="SCENARIO", type=click.Path(dir_okay=False))
@click.option(
    "--vary",
    "varies",
    multiple=True,
    required=True,
    metavar="PATH=V1,V2,...",
    help="A scenario field and its values, e.g. platform.capacity.app_servers=4,8,16.",
)
@SetOption
@click.option("--replications", type=click.IntRange(min=1), help="Runs per point.")
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--metrics",
    default="",
    metavar="A,B",
    help="Metrics to plot against each parameter; two also get a trade-off plot.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Sweep directory [default: results/<scenario>-sweep-<UTC time>].",
)
@click.option("--json", "as_json", is_flag=True, help="Print the written files as JSON.")
def sweep(
    scenario_file: str,
    varies: tuple[str, ...],
    overrides: tuple[str, ...],
    replications: int | None,
    jobs: int,
    metrics: str,
    out: Path | None,
    as_json: bool,
) -> None:
    """Simulate every combination of the varied fields; write sweep.csv, plots and report.html.

    \b
    Example:
      fanout sweep scenarios/baseline.yaml --vary platform.fanout=push,pull,hybrid \\
        --metrics latency.timeline_read.p99_ms,fanout.deliveries --jobs 2
    """
    from outcomes.sweep import expand_grid, parse_vary, run_sweep
    from sim.output import default_run_dir
    from sim.sweep import point_runner

    flags = _run_flags(None, replications, None, False)
    scenario = _scenario_for_run(scenario_file, overrides, flags)
    with _bad_input_exits_2():
        specs = [parse_vary(text) for text in varies]
        grid = expand_grid(specs)
    for point in grid:  # every point must be a valid scenario before any of them runs
        _scenario_for_run(scenario_file, overrides, [*flags, *point.items()])
    chosen = [name.strip() for name in metrics.split(",") if name.strip()]
    out_dir = out or default_run_dir(f"{scenario.name}-sweep")
    with _bad_input_exits_2():
        done = run_sweep(
            specs, point_runner(scenario_file, [*overrides, *flags]), out_dir, chosen, jobs
        )
    if as_json:
        points = [{"overrides": p.overrides, "run_dir": str(p.run_dir)} for p in done.points]
        plots = [str(plot) for plot in done.plots]
        _print_json(
            {
                "csv": str(done.csv_path),
                "plots": plots,
                "report": str(done.report),
                "points": points,
            }
        )
        return
    click.echo(
        f"wrote {done.csv_path}, {len(done.plots)} plots and {done.report} "
        f"for {len(done.points)} points"
    )


@fanout.command()
@click.argument("scenario_file", metavar="SCENARIO", type=click.Path(dir_okay=False))
@click.option(
    "--target",
    "targets",
    multiple=True,
    required=True,
    metavar="METRIC=VALUE±TOL",
    help="A metric to bring within VALUE ± TOL (also VALUE+-TOL), e.g. ads.ctr=0.02±0.002 "
    "(repeatable; names in docs/metrics.md).",
)
@click.option(
    "--vary",
    "varies",
    multiple=True,
    required=True,
    metavar="PATH=LOW..HIGH",
    help="A number field and the range to search, e.g. economy.ads.load=0.02..0.3 (repeatable).",
)
@click.option(
    "--budget",
    type=click.IntRange(min=1),
    required=True,
    help="Most candidates to run (fewer when the best meets every target with its whole "
    "95 % interval, or when the search settles short of a target out of reach).",
)
@click.option(
    "--replications",
    type=click.IntRange(min=1),
    default=DEFAULT_REPLICATIONS,
    show_default=True,
    help="Runs per candidate; its score uses their mean.",
)
@click.option("--seed", type=click.IntRange(min=0), help="Seed instead of the scenario's.")
@click.option(
    "--jobs",
    default=lambda: os.cpu_count() or 1,
    show_default="this machine's cores",
    type=click.IntRange(min=1),
    help="Replications of a candidate run at once, as Ray tasks on a local cluster (1: one "
    "after another in this process). Candidates run one after another, each chosen from those "
    "before, and a replication's metrics do not depend on where it ran: the same --seed gives "
    "the same fit whatever --jobs.",
)
@SetOption
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FITTED.yaml",
    help="Where to write the scenario with the fitted fields set and commented [default: "
    "SCENARIO-fitted.yaml beside SCENARIO, where its relative paths still hold].",
)
@click.option("--json", "as_json", is_flag=True, help="Print the fit as JSON.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def fit(
    scenario_file: str,
    targets: tuple[str, ...],
    varies: tuple[str, ...],
    budget: int,
    replications: int,
    seed: int | None,
    jobs: int,
    overrides: tuple[str, ...],
    out: Path | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Find values of scenario fields whose simulation meets target metrics.

    Runs up to --budget candidates, each --replications times, chosen by SciPy's Powell
    method (line searches by parabolas, from the middle of the ranges); each candidate is
    scored by its mean's distance from the targets in tolerances. Stops early when the
    best candidate meets every target with its whole 95 % interval, or when Powell's steps
    no longer improve on it. Prints each target against what the best candidate achieved
    (95 % interval over its replications) and writes the scenario with the fitted values,
    each line commented with the targets and what they achieved. Exit code 0 when every
    target is met, 1 when the search ended first (the best candidate is still written), 2
    on bad input (unknown field or metric, a range outside the field's bounds, a bad target).

    \b
    Example:
      fanout fit scenarios/baseline.yaml --target revenue.share.ads=0.67±0.03 \\
        --vary economy.ads.load=0.02..0.3 --budget 20
      fanout run scenarios/baseline-fitted.yaml --seed 7
    """
    from outcomes.fit import FitInputError
    from outcomes.fit_render import fit_data, fit_progress_bar, fit_table
    from sim.edgelist import EdgeListError
    from sim.fit import FitRequest, fitted_path, prepare_fit, run_fit, write_fitted

    out = out or fitted_path(scenario_file)
    request = FitRequest(
        scenario_file, targets, varies, budget, out, replications, seed, jobs, overrides
    )
    with _bad_input_exits_2():
        prepared = prepare_fit(request)
    console = Console(stderr=True)
    show = console.is_terminal and not quiet
    # what the runs reveal (a metric they never report, an unreadable graph) is still input
    with (
        _bad_input_exits_2(FitInputError, EdgeListError, ScenarioError),
        fit_progress_bar(console, show, budget, replications) as progress,
    ):
        fitted = run_fit(prepared, progress)
    with _bad_input_exits_2():
        written = write_fitted(prepared, fitted)
    if as_json:
        _print_json(fit_data(fitted, written))
    else:
        Console().print(fit_table(fitted))
        click.echo(f"wrote {written}")
    raise SystemExit(0 if fitted.all_met else 1)


@fanout.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option(
    "--users",
    type=click.IntRange(min=1),
    required=True,
    help="Accounts on the planned platform, e.g. 500000000.",
)
@click.option(
    "--slo",
    "slos",
    multiple=True,
    metavar="'METRIC<=VALUE'",
    help="SLO to size for, on top of the scenario's own (repeatable).",
)
@click.option(
    "--probe-users",
    type=click.IntRange(min=2),
    help="Accounts in the probe simulation that measures the work per request "
    "[default: the scenario's, at most 20000 and at most --users].",
)
@SetOption
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
def plan(
    scenario: str,
    users: int,
    slos: tuple[str, ...],
    probe_users: int | None,
    overrides: tuple[str, ...],
    as_json: bool,
) -> None:
    """Size the platform for the scenario's peak hour at --users accounts, in closed form.

    Measures each request path's work and rate in a probe simulation of the scenario (run
    from its start hour, measuring its peak hour), scales the rates and the fan-out to
    --users, and searches the fewest app servers, database and cache servers and fan-out
    workers meeting every SLO (the --slo flags and the scenario's `slos:`) with Erlang C
    per station. Prints each resource's servers and utilisation (the live fan-out servers,
    media egress links and thumbnail servers among them), each SLO's predicted value and
    verdict, the fan-out lag of the largest pushed post, photo storage per day, egress and
    thumbnailing at the peak (uploads/s, cores busy) and the largest live room served
    within the live-delivery SLO. Exit 0 with a plan, 1 when no capacity meets the SLOs
    (e.g. a p99 below the service time), 2 on bad input (unknown metric, bad SLO, bad
    scenario).

    \b
    Example:
      fanout plan scenarios/weibo-500m.yaml --users 500000000 \\
          --slo 'latency.timeline_read.p99_ms<=200' --slo 'fanout.lag.p99_s<=5'
    """
    from outcomes.slo import parse_slo
    from sim.capacity.render import media_live_lines, plan_tables
    from sim.capacity.sizing import UnreachablePlan, plan_capacity

    loaded = _scenario_for_run(scenario, overrides, [])
    with _bad_input_exits_2():
        try:
            planned = plan_capacity(loaded, users, [parse_slo(s) for s in slos], probe_users)
        except UnreachablePlan as exc:  # a ValueError too, but a verdict: exit 1
            if as_json:
                _print_json(exc.as_dict())
            click.echo(f"fanout: {exc}", err=True)
            raise SystemExit(1) from None
    if as_json:
        _print_json(planned.as_dict())
        return
    console = Console()
    console.print(*plan_tables(planned))
    for line in media_live_lines(planned):
        console.print(line)


def main() -> None:
    fanout()


if __name__ == "__main__":
    main()
