"""One local Ray cluster per test module (it takes seconds to start), scenarios a sharded
run can carry, and two shards driven in this process (`two_shards`), whose stores a test
can read afterwards."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pytest
import ray

from microblog.money_models import Audit
from microblog.store.memory import MemoryData
from scenario import Scenario, load_scenario
from scenario.platform_config import platform_config
from sim.arrivals import SECONDS_PER_DAY, SECONDS_PER_HOUR
from sim.engine import EPOCH
from sim.runner import replication_streams
from sim.shards.budgets import AdBudgets
from sim.shards.clearing import union_books
from sim.shards.executor import Shard, cluster
from sim.shards.messages import Tally, route
from sim.shards.shard import ShardOutcome
from sim.shards.support import UNSHARDED_SWITCHES

WINDOW_S = 60.0
"""Tests' window: fewer barriers (each a round trip through Ray) than the default 1 s."""


@pytest.fixture(scope="module", autouse=True)
def collector_restored() -> Iterator[None]:
    """Shards run in this process pause and freeze its collector (`ShardSimulation.start`,
    meant for a shard's own process): the next module gets the collector it would have had
    (test_collector failed in CI after a module of in-process shards on its worker)."""
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[None]:
    with cluster(None, 2):
        yield
    assert not ray.is_initialized()


def social_ci_smoke(*overrides: str) -> Scenario:
    """ci-smoke with every activity a sharded run refuses switched off."""
    off = [f"{path}=0" for path, _, _ in UNSHARDED_SWITCHES]
    return load_scenario(
        "scenarios/ci-smoke.yaml", [*off, f"sharding.window_s={WINDOW_S}", *overrides]
    )


@dataclass
class TwoShards:
    shards: list[Shard]
    finished: list[ShardOutcome]
    sent: Tally
    applied: Tally
    audits: list[Audit] = field(default_factory=list)
    """The union of both shards' books at every barrier (with `audit_windows`)."""

    def data(self, shard: int) -> MemoryData:
        return self.shards[shard].simulation.replica.store.data

    def owner_of(self, account_id: int) -> int:
        simulation = self.shards[0].simulation
        return int(simulation.owner[simulation.world.row(account_id)])

    def metric(self, name: str) -> float:
        return sum(f.outcome.metrics.get(name, (0.0, ""))[0] for f in self.finished)


def two_shards(
    scenario: Scenario,
    seeds: list[np.random.SeedSequence] | None = None,
    audit_windows: bool = False,
) -> TwoShards:
    """One replication (the scenario's first, or `seeds`' population and run seeds) on two
    in-process shards, window by window as `run_sharded` does (auditing the union of their
    books at every barrier with `audit_windows`)."""
    population_seed, run_seed = seeds or replication_streams(scenario.seed, 1)[0]
    shards = [Shard(scenario, population_seed, run_seed, k, 2, audit_windows) for k in range(2)]
    budgets = AdBudgets(shards[0].budgets(), 2, platform_config(scenario).ads)
    clock_start = EPOCH + scenario.start_hour * SECONDS_PER_HOUR
    end_s, window_s = scenario.duration_days * SECONDS_PER_DAY, scenario.sharding.window_s
    now = min(window_s, end_s)
    grants = budgets.grants(clock_start)
    found = [shard.start(grants[k], now) for k, shard in enumerate(shards)]
    audits: list[Audit] = []
    while True:  # to the end, then until no message is in flight
        books = [window[4] for window in found]
        if audit_windows:
            audits.append(union_books([part for part in books if part is not None]))
        inboxes = route([window[0] for window in found], 2)
        budgets.record([window[3] for window in found])
        if now >= end_s and not any(inboxes):
            break
        grants = budgets.grants(clock_start + now)
        next_id, now = max(window[2] for window in found), min(now + window_s, end_s)
        found = [shard.step(inboxes[k], next_id, grants[k], now) for k, shard in enumerate(shards)]
    finished = [shard.finish() for shard in shards]
    sent = sum((f.sent for f in finished), Counter())
    applied = sum((f.applied for f in finished), Counter())
    return TwoShards(shards, finished, sent, applied, audits)
