"""One local Ray cluster per test module (it takes seconds to start), and scenarios a
sharded run can carry."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
import ray

from scenario import Scenario, load_scenario
from sim.shards.executor import cluster
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
