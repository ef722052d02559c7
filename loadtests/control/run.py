"""`fanout loadtest` end to end: start and seed the server, run Locust, write and gate results.

    prepared = prepare(LoadtestRequest("scenarios/ci-smoke.yaml"))  # loadtests.control.request
    outcome = execute(prepared, progress=print)

`execute` starts the reference server unless a (loopback) host was given, seeds it, runs
Locust, checks that no chat message was lost or delivered twice (collecting what still
waits for offline recipients first) and that the ledger balances with every payment made
once (loadtests.control.ledger_check), and writes `results/<run>/`: summary.json, timeseries.csv,
report.html and Locust's own files under locust/. The scenario's SLOs are then checked as
`fanout gate` would.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import httpx
import numpy as np

from loadtests.control.backlog import drain_backlogs
from loadtests.control.concurrency import concurrency_levels
from loadtests.control.fanservice_stats import fanservice_metrics, read_fanservice_stats
from loadtests.control.history import aggregated_rows, history_timeseries
from loadtests.control.ledger_check import PaymentVerdict, check_payments
from loadtests.control.push_stats import push_metrics, read_pushes
from loadtests.control.replay import (
    replay_description,
    replay_metrics,
    report_skips,
    seed_fan_follows,
    seed_memberships,
)
from loadtests.control.request import PreparedRun
from loadtests.control.results import loadtest_metrics, loadtest_result
from loadtests.control.runner import (
    HISTORY_CSV,
    LocustError,
    LocustRun,
    Progress,
    log_tail,
    run_locust,
)
from loadtests.control.seed import (
    SeedGraph,
    draw_clients,
    follow_graph,
    seed_groups,
    seed_history,
    seed_population,
    seeded_days,
    warm_timelines,
)
from loadtests.control.seed_ads import seed_ads
from loadtests.control.seed_apps import seed_apps
from loadtests.control.seed_fanservice import seed_fanservices
from loadtests.control.seed_money import seed_economy
from loadtests.control.server import local_server
from loadtests.control.server_stats import ServerStats, read_server_stats
from loadtests.records.deliveries import DeliveryVerdict, verdict
from loadtests.records.plan import LocustPlan, Measurements, read_measurements, write_plan
from loadtests.records.seeded import SeededEconomy, SeededPopulation
from loadtests.records.trace import read_trace
from microblog.api.settings import ServerSettings
from outcomes.gate import GateReport, run_gate
from outcomes.report import write_run_report
from outcomes.result import Metric, Result, write_result
from outcomes.timeseries import write_timeseries
from scenario import Scenario, platform_config, resolved_dict
from scenario.profiles import draw_profiles

MEASUREMENTS_FILE = "measurements.json"
OPERATOR_TIMEOUT_S = 120.0
"""Longest one operator call may take (seeding 50 000 edges in one SQLite transaction)."""
SCENARIO_USERS = ("SessionUser",)
PREMIERE_USERS = ("LiveAnchor", "LiveViewer")
"""A scenario with a `live_premiere` event loads its room (loadtests.generator.users.live)."""
REPLAY_USERS = ("ReplayUser",)


class IntegrityCheck(Protocol):
    """A check after the run that fails it whatever the SLOs say (chat, payments)."""

    def metrics(self) -> dict[str, Metric]: ...

    def problems(self) -> list[str]: ...


@dataclass(frozen=True)
class LoadtestOutcome:
    run_dir: Path
    result: Result
    gate: GateReport | None
    """The SLO checks of the scenario, None when it lists no SLOs."""
    exceptions: dict[str, int]
    """Exceptions raised in the users' code (message -> count): the test itself went wrong."""
    problems: list[str]
    """Integrity failures whatever the SLOs say, e.g. chat messages lost."""

    @property
    def passed(self) -> bool:
        """Every SLO holds, nothing was lost, and the test ran as written."""
        ok = not self.exceptions and not self.problems
        return ok and (self.gate is None or self.gate.passed)


def execute(prepared: PreparedRun, progress: Progress) -> LoadtestOutcome:
    """Run the load test and write its results (see module docstring)."""
    started_at, started = datetime.now(UTC), time.monotonic()
    locust_dir = prepared.run_dir / "locust"
    shutil.rmtree(locust_dir, ignore_errors=True)  # a reused --out starts afresh
    locust_dir.mkdir(parents=True)
    driven = _drive(prepared, locust_dir, progress)
    measured = driven.measured
    metrics = loadtest_metrics(measured, driven.stats_before, driven.stats_after)
    metrics |= driven.fanservice | driven.push
    problems = _unreported(measured)
    for check in driven.checks():
        metrics |= check.metrics()
        problems += check.problems()
    if prepared.replay is not None:
        metrics |= replay_metrics(prepared.replay, measured)
    duration_s = time.monotonic() - started
    result = loadtest_result(
        prepared.scenario, started_at, duration_s, metrics, driven.describe(prepared)
    )
    _write_run(prepared.run_dir, result, locust_dir)
    gate = run_gate(result) if prepared.scenario.slos else None
    return LoadtestOutcome(prepared.run_dir, result, gate, measured.exceptions, problems)


@dataclass(frozen=True)
class _Driven:
    """What happened on the server side of a run."""

    base_url: str
    population: SeededPopulation
    stats_before: ServerStats
    stats_after: ServerStats
    completed: bool
    measured: Measurements
    chat: DeliveryVerdict | None
    """The chat delivery check, None when nobody chatted."""
    live: DeliveryVerdict | None
    """The live room delivery check, None when no comment was confirmed."""
    payments: PaymentVerdict
    """The ledger check."""
    fanservice: dict[str, Metric]
    """`fanservice.*` from the open services' statistics (loadtests.control.fanservice_stats)."""
    push: dict[str, Metric]
    """`push.*` from the phones' outboxes (loadtests.control.push_stats)."""

    def checks(self) -> list[IntegrityCheck]:
        return [check for check in (self.chat, self.live, self.payments) if check is not None]

    def describe(self, prepared: PreparedRun) -> dict[str, Any]:
        """The Result's `environment.loadtest`: what was tested, and how."""
        replay = prepared.replay
        described = self._described(prepared)
        return (
            described if replay is None else described | replay_description(replay, self.measured)
        )

    def _described(self, prepared: PreparedRun) -> dict[str, Any]:
        return {
            "host": self.base_url,
            "server": "external" if prepared.host else "local",
            "processes": prepared.scenario.loadtest.processes,
            "warmup_s": prepared.scenario.loadtest.warmup_s,
            "measured_s": self.measured.duration_s,
            "seeded_accounts": len(self.population.ids),
            "seeded_follows": self.population.follows,
            "interrupted": not self.completed,
            "work_requests": self.measured.work.requests,
            "work_per_request": self.measured.work.means(),
            "concurrency_levels": [
                level.model_dump()
                for level in concurrency_levels(
                    prepared.run_dir / "locust" / HISTORY_CSV, prepared.scenario.loadtest.warmup_s
                )
            ],
        }


def _drive(prepared: PreparedRun, locust_dir: Path, progress: Progress) -> _Driven:
    """Start (or reach) the server, seed it, run Locust; the server stops on the way out."""
    with _target(prepared) as (base_url, client, max_body_bytes):
        config = prepared.scenario.loadtest
        days = seeded_days(prepared.scenario)
        progress(
            f"seeding {config.seed_users} accounts, {days:g} days of their posts, groups, "
            f"shops and campaigns on {base_url}"
        )
        rng = np.random.default_rng(prepared.scenario.seed)
        graph = follow_graph(config, rng)
        profiles = draw_profiles(prepared.scenario.population.profile, graph.accounts, rng)
        (clients_rng,) = rng.spawn(1)  # a stream of its own: later seeding draws as before
        mobile = draw_clients(prepared.scenario, graph.accounts, clients_rng)
        population = seed_population(
            client, graph, max_body_bytes, profiles.store_profiles(), mobile
        )
        seeded = _seed_scenario(client, population, graph, prepared.scenario, rng, max_body_bytes)
        population, economy = seeded
        if prepared.replay is not None:
            actions = read_trace(Path(prepared.replay.trace)).actions
            population = seed_memberships(client, population, actions)
            services = economy.fan_services.services
            seed_fan_follows(client, population, services, actions, max_body_bytes)
        if config.warm_timelines:
            progress("warming the home timelines on the server's cache tier")
            progress(f"{warm_timelines(client)} home timelines warm")
        before = read_server_stats(client, progress)
        plan = _locust_plan(prepared, base_url, population, economy, locust_dir)
        run = _locust_run(prepared, base_url, write_plan(locust_dir, plan), locust_dir)
        test_began = time.time()  # the server's clock too: pushes made since are the test's
        completed = run_locust(run, progress)
        after = read_server_stats(client, progress)
        services = economy.fan_services.services
        fanservice = fanservice_metrics(read_fanservice_stats(client, services, progress))
        push = push_metrics(read_pushes(client, population, test_began, progress))
        measured = _read_measurements(locust_dir)
        report_skips(measured, progress)
        chat = _check_chat(prepared, base_url, population, measured, progress)
        live = verdict(measured.live, [], kind="live") if measured.live.sent else None
        progress(f"auditing the ledger after {len(measured.payments.calls)} payments")
        tokens = _tokens(population) | economy.merchant_tokens | economy.developer_tokens
        payments = check_payments(client, tokens, economy, measured.payments)
    return _Driven(
        base_url, population, before, after, completed, measured, chat, live, payments,
        fanservice, push,
    )  # fmt: skip


def _seed_scenario(
    client: httpx.Client,
    population: SeededPopulation,
    graph: SeedGraph,
    scenario: Scenario,
    rng: np.random.Generator,
    max_body_bytes: int,
) -> tuple[SeededPopulation, SeededEconomy]:
    """Groups, the scenario's history of posts, shops, wallets, campaigns, product posts,
    apps and fan services."""
    groups = seed_groups(client, population, scenario, rng)
    population = population.model_copy(update={"groups": groups})
    seed_history(client, population, scenario, rng)
    economy = seed_economy(client, population, scenario, rng, max_body_bytes)
    economy = seed_ads(client, population, economy, scenario, rng, max_body_bytes)
    grants, developers = seed_apps(client, population, scenario, rng)
    fan_services = seed_fanservices(client, population, graph.edges, economy, scenario, rng)
    return population, economy.model_copy(
        update={"app_grants": grants, "developer_tokens": developers, "fan_services": fan_services}
    )


def _tokens(population: SeededPopulation) -> dict[int, str]:
    return dict(zip(population.ids, population.tokens, strict=True))


def _check_chat(
    prepared: PreparedRun,
    base_url: str,
    population: SeededPopulation,
    measured: Measurements,
    progress: Progress,
) -> DeliveryVerdict | None:
    """Collect offline recipients' backlogs, then judge every confirmed chat message."""
    chat = prepared.scenario.behaviour.per_session.chat
    if not (measured.deliveries.sent if prepared.replay else chat):
        return None
    waiting = measured.deliveries.unreceived()
    if waiting:
        progress(f"collecting {len(waiting)} chat messages sent to recipients who went offline")
    return verdict(
        measured.deliveries, drain_backlogs(base_url, _tokens(population), waiting.values())
    )


def _unreported(measured: Measurements) -> list[str]:
    """A worker whose last report is lost leaves every count and check short of its end."""
    return [
        f"Locust worker {worker} never sent its last report: its final seconds are unmeasured"
        for worker in measured.unreported_workers
    ]


def _read_measurements(locust_dir: Path) -> Measurements:
    file = locust_dir / MEASUREMENTS_FILE
    if not file.is_file():
        raise LocustError(f"Locust wrote no measurements; its log ends:\n{log_tail(locust_dir)}")
    return read_measurements(file)


@contextmanager
def _target(prepared: PreparedRun) -> Iterator[tuple[str, httpx.Client, int]]:
    """The base URL, an operator client and the body limit of the server under test."""
    scenario = prepared.scenario
    if prepared.host is None:
        with (
            local_server(platform_config(scenario), shape=scenario.loadtest.server) as server,
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


def _locust_plan(
    prepared: PreparedRun,
    base_url: str,
    population: SeededPopulation,
    economy: SeededEconomy | None,
    locust_dir: Path,
) -> LocustPlan:
    return LocustPlan(
        base_url=base_url,
        scenario=resolved_dict(prepared.scenario),
        population=population,
        measurements_file=str((locust_dir / MEASUREMENTS_FILE).resolve()),
        replay=prepared.replay,
        economy=economy,
    )


def _user_classes(prepared: PreparedRun) -> tuple[str, ...]:
    if prepared.replay:
        return REPLAY_USERS
    premiere = any(event.kind == "live_premiere" for event in prepared.scenario.events)
    return PREMIERE_USERS if premiere else SCENARIO_USERS


def _locust_run(
    prepared: PreparedRun, base_url: str, plan_file: Path, locust_dir: Path
) -> LocustRun:
    return LocustRun(
        base_url=base_url,
        plan_file=plan_file.resolve(),
        locust_dir=locust_dir.resolve(),
        user_classes=_user_classes(prepared),
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
