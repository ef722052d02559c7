"""`fanout loadtest` end to end: check the input, start and seed the server, run Locust, report.

    prepared = prepare(LoadtestRequest("scenarios/ci-smoke.yaml"))   # bad input raises here
    outcome = execute(prepared, progress=print)                      # the run itself

`prepare` raises a ValueError (ScenarioError, HostRefused, TraceError, LoadtestInputError)
for anything wrong with the request, before any process starts or any request is sent.
`execute` starts the reference server unless a (loopback) host was given, seeds it, runs
Locust, and writes `results/<run>/`: summary.json, timeseries.csv, report.html and Locust's
own files under locust/. The scenario's SLOs are then checked as `fanout gate` would.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import numpy as np

from loadtests.history import aggregated_rows, history_timeseries
from loadtests.hosts import require_loopback
from loadtests.plan import LocustPlan, ReplayPlan, read_measurements, write_plan
from loadtests.replay import read_trace, replay_span_s
from loadtests.results import FanoutStats, loadtest_metrics, loadtest_result
from loadtests.runner import HISTORY_CSV, LocustError, LocustRun, Progress, log_tail, run_locust
from loadtests.seed import SeededPopulation, follow_graph, seed_population
from loadtests.server import local_server
from microblog.api.settings import ServerSettings
from outcomes.gate import GateReport, run_gate
from outcomes.report import write_run_report
from outcomes.result import Result, write_result
from outcomes.scenario import Scenario, load_scenario, resolved_dict
from outcomes.timeseries import write_timeseries

RESULTS_DIR = Path("results")
MEASUREMENTS_FILE = "measurements.json"
REPLAY_TAIL_S = 10.0
"""How long a replay may run past its last action's due time (for the last replies)."""
OPERATOR_TIMEOUT_S = 120.0
"""Longest one operator call may take (seeding 50 000 edges in one SQLite transaction)."""
SCENARIO_USERS = ("MixedUser", "InfluencerUser")
REPLAY_USERS = ("ReplayUser",)
_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s?)?$")


class LoadtestInputError(ValueError):
    """The request cannot be run as given (bad input: exit 2)."""


@dataclass(frozen=True)
class LoadtestRequest:
    scenario: str
    overrides: tuple[str, ...] = ()
    host: str | None = None
    operator_token: str | None = None
    out: Path | None = None
    ui: bool = False
    replay: Path | None = None
    speedup: float = 60.0


@dataclass(frozen=True)
class PreparedRun:
    request: LoadtestRequest
    scenario: Scenario
    host: str | None
    run_dir: Path
    replay: ReplayPlan | None
    notes: list[str]
    """Things the user should know before the run, e.g. task weights nothing uses yet."""

    @property
    def run_time_s(self) -> float:
        return self.replay.run_time_s if self.replay else self.scenario.loadtest.run_time_s


@dataclass(frozen=True)
class LoadtestOutcome:
    run_dir: Path
    result: Result
    gate: GateReport | None
    """The SLO checks of the scenario, None when it lists no SLOs."""
    exceptions: dict[str, int]
    """Exceptions raised in the users' code (message -> count): the test itself went wrong."""

    @property
    def passed(self) -> bool:
        """Every SLO holds and the test ran as written."""
        return not self.exceptions and (self.gate is None or self.gate.passed)


def duration_s(text: str) -> float:
    """Seconds in `90`, `90s`, `2m`, `1h30m`; raises LoadtestInputError otherwise."""
    match = _DURATION.match(text.strip())
    if not text.strip() or not match or not any(match.groups()):
        raise LoadtestInputError(f"--run-time {text!r}: expected e.g. 60s, 2m or 1h30m")
    hours, minutes, seconds = (float(group or 0) for group in match.groups())
    return hours * 3600 + minutes * 60 + seconds


FLAG_FIELDS = {
    "users": "loadtest.users",
    "spawn_rate": "loadtest.spawn_rate",
    "run_time": "loadtest.run_time_s",
    "rate": "loadtest.rate_rps",
    "processes": "loadtest.processes",
}
"""`fanout loadtest` shorthand flags and the scenario fields they override."""


def flag_overrides(flags: dict[str, float | int | str | None]) -> list[str]:
    """Scenario overrides for the shorthand flags given (`--run-time` as a duration)."""
    overrides = []
    for flag, value in flags.items():
        if value is not None:
            number = duration_s(value) if flag == "run_time" and isinstance(value, str) else value
            overrides.append(f"{FLAG_FIELDS[flag]}={number}")
    return overrides


def prepare(request: LoadtestRequest) -> PreparedRun:
    """Validate everything about the request; raises a ValueError subclass on bad input."""
    scenario = load_scenario(request.scenario, list(request.overrides))
    host = require_loopback(request.host) if request.host is not None else None
    if host is not None and not request.operator_token:
        raise LoadtestInputError(
            "--host needs --operator-token (or FANOUT_OPERATOR_TOKEN): seeding uses /admin"
        )
    replay = _replay_plan(request.replay, request.speedup) if request.replay else None
    _check_runnable(scenario, replay)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    run_dir = request.out or RESULTS_DIR / f"{scenario.name}-loadtest-{stamp}"
    return PreparedRun(request, scenario, host, run_dir, replay, _notes(scenario, replay))


def _replay_plan(trace: Path, speedup: float) -> ReplayPlan:
    if speedup <= 0:
        raise LoadtestInputError(f"--speedup {speedup:g}: must be above 0")
    run_time_s = replay_span_s(read_trace(trace), speedup) + REPLAY_TAIL_S
    return ReplayPlan(trace=str(trace.resolve()), speedup=speedup, run_time_s=run_time_s)


def _check_runnable(scenario: Scenario, replay: ReplayPlan | None) -> None:
    config = scenario.loadtest
    if replay is not None and config.processes > 1:
        raise LoadtestInputError("--replay runs in one process: drop --processes")
    if replay is None and not (config.tasks.timeline or config.tasks.post):
        raise LoadtestInputError(
            "loadtest.tasks: timeline and post are both 0, and chat and payment users "
            "do not exist yet, so no user would send anything"
        )


def _notes(scenario: Scenario, replay: ReplayPlan | None) -> list[str]:
    tasks = scenario.loadtest.tasks
    if replay is None and (tasks.chat or tasks.payment):
        return [
            f"loadtest.tasks.chat ({tasks.chat}) and .payment ({tasks.payment}) are ignored: "
            "the chat and payment users are not written yet"
        ]
    return []


def execute(prepared: PreparedRun, progress: Progress) -> LoadtestOutcome:
    """Run the load test and write its results (see module docstring)."""
    started_at, started = datetime.now(UTC), time.monotonic()
    locust_dir = prepared.run_dir / "locust"
    shutil.rmtree(locust_dir, ignore_errors=True)  # a reused --out starts afresh
    locust_dir.mkdir(parents=True)
    with _target(prepared) as (base_url, client, max_body_bytes):
        config = prepared.scenario.loadtest
        progress(f"seeding {config.seed_users} accounts on {base_url}")
        graph = follow_graph(config, np.random.default_rng(prepared.scenario.seed))
        population = seed_population(client, graph, max_body_bytes)
        before = _fanout_stats(client, progress)
        plan_file = write_plan(locust_dir, _locust_plan(prepared, base_url, population))
        completed = run_locust(_locust_run(prepared, base_url, plan_file, locust_dir), progress)
        after = _fanout_stats(client, progress)
    measurements = locust_dir / MEASUREMENTS_FILE
    if not measurements.is_file():
        raise LocustError(f"Locust wrote no measurements; its log ends:\n{log_tail(locust_dir)}")
    measured = read_measurements(measurements)
    metrics = loadtest_metrics(measured, before, after)
    target = {"host": base_url, "server": "external" if prepared.host else "local",
              "processes": config.processes, "seeded_accounts": len(population.ids),
              "seeded_follows": population.follows, "interrupted": not completed}  # fmt: skip
    result = loadtest_result(
        prepared.scenario, started_at, time.monotonic() - started, metrics, target
    )
    _write_run(prepared.run_dir, result, locust_dir)
    gate = run_gate(result) if prepared.scenario.slos else None
    return LoadtestOutcome(prepared.run_dir, result, gate, measured.exceptions)


@contextmanager
def _target(prepared: PreparedRun) -> Iterator[tuple[str, httpx.Client, int]]:
    """The base URL, an operator client and the body limit of the server under test."""
    if prepared.host is None:
        with (
            local_server(prepared.scenario.platform) as server,
            _operator_client(server.base_url, server.operator_token) as client,
        ):
            yield server.base_url, client, server.max_body_bytes
        return
    default_limit = ServerSettings.model_fields["max_body_bytes"].default
    token = prepared.request.operator_token or ""
    with _operator_client(prepared.host, token) as client:
        yield prepared.host, client, default_limit


def _operator_client(base_url: str, token: str) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.Client(base_url=base_url, headers=headers, timeout=OPERATOR_TIMEOUT_S)


def _fanout_stats(client: httpx.Client, progress: Progress) -> FanoutStats | None:
    response = client.get("/admin/stats/fanout")
    if response.status_code != 200:
        progress(f"no fan-out statistics: GET /admin/stats/fanout -> {response.status_code}")
        return None
    return FanoutStats.model_validate(response.json())


def _locust_plan(prepared: PreparedRun, base_url: str, population: SeededPopulation) -> LocustPlan:
    return LocustPlan(
        base_url=base_url,
        scenario=resolved_dict(prepared.scenario),
        population=population,
        measurements_file=str((prepared.run_dir / "locust" / MEASUREMENTS_FILE).resolve()),
        replay=prepared.replay,
    )


def _locust_run(
    prepared: PreparedRun, base_url: str, plan_file: Path, locust_dir: Path
) -> LocustRun:
    return LocustRun(
        base_url=base_url,
        plan_file=plan_file.resolve(),
        locust_dir=locust_dir.resolve(),
        user_classes=REPLAY_USERS if prepared.replay else SCENARIO_USERS,
        processes=prepared.scenario.loadtest.processes,
        run_time_s=prepared.run_time_s,
        ui=prepared.request.ui,
    )


def _write_run(run_dir: Path, result: Result, locust_dir: Path) -> None:
    write_result(run_dir, result)
    series = history_timeseries(aggregated_rows(locust_dir / HISTORY_CSV))
    if series is not None:
        write_timeseries(run_dir, series)
    write_run_report(run_dir)
