"""Sharded runs on a local Ray cluster: one shard is today's run, K shards are
deterministic, every message sent is applied, and a shard's error fails the run."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scenario import load_scenario
from sim.runner import Parallelism, replication_streams, simulate
from sim.shards.executor import Advanced, RemoteFailed, Shard, run_sharded
from sim.shards.messages import KINDS
from sim.shards.support import UnshardedCall, require_sharded_path
from tests.sim.shards.conftest import WINDOW_S, social_ci_smoke

pytestmark = [pytest.mark.usefixtures("ray_cluster"), pytest.mark.slow]


def test_one_shard_gives_the_unsharded_runs_metrics_and_timeseries() -> None:
    scenario = load_scenario("scenarios/ci-smoke.yaml", [f"sharding.window_s={WINDOW_S}"])
    plain = simulate(scenario)
    sharded = simulate(scenario, parallel=Parallelism(shards=1))
    assert sharded.result.metrics == plain.result.metrics
    assert sharded.timeseries == plain.timeseries


def test_two_shards_give_byte_identical_metrics_run_after_run() -> None:
    scenario = social_ci_smoke()
    first = simulate(scenario, parallel=Parallelism(shards=2)).result
    second = simulate(scenario, parallel=Parallelism(shards=2)).result
    assert first.model_dump_json(include={"metrics"}) == second.model_dump_json(include={"metrics"})


def test_every_message_sent_is_applied_by_kind_and_pair_of_shards() -> None:
    scenario = social_ci_smoke(
        "behaviour.per_session.follow=0.2", "behaviour.per_session.group_join=0.2"
    )
    ((population_seed, run_seed),) = replication_streams(scenario.seed, 1)
    done = run_sharded(scenario, population_seed, run_seed, 2)
    assert done.sent == done.applied
    sent_kinds = {kind for kind, _, _ in done.sent}
    assert {"post", "like", "comment", "repost", "follow", "join"} <= sent_kinds <= set(KINDS)
    assert {(source, target) for _, source, target in done.sent} == {(0, 1), (1, 0)}


def test_barriers_crossed_among_the_shards_give_the_drivers_run_byte_for_byte() -> None:
    """The exchange (`sim.shards.exchange`, several calls of many windows, the settling
    windows past the end included: 144 windows, 60 a call) against the driver's round trip
    every window."""
    scenario = social_ci_smoke("behaviour.per_session.follow=0.2", "duration_days=0.1")
    ((population_seed, run_seed),) = replication_streams(scenario.seed, 1)
    exchanged = run_sharded(scenario, population_seed, run_seed, 2, exchange=True)
    driven = run_sharded(scenario, population_seed, run_seed, 2, exchange=False)
    assert json.dumps(exchanged.outcome.metrics, sort_keys=True) == json.dumps(
        driven.outcome.metrics, sort_keys=True
    )
    assert exchanged.sent == exchanged.applied == driven.sent == driven.applied
    assert sum(exchanged.sent.values()) > 0


def test_the_shards_together_make_the_actions_one_result_reports() -> None:
    scenario = social_ci_smoke()
    ((population_seed, run_seed),) = replication_streams(scenario.seed, 1)
    done = run_sharded(scenario, population_seed, run_seed, 2)
    per_shard = [shard.outcome.actions for shard in done.shards]
    assert all(actions > 0 for actions in per_shard)
    assert done.outcome.actions == sum(per_shard)
    assert done.outcome.metrics["users.active"][0] == sum(
        shard.users.in_window.count for shard in done.shards
    )


@pytest.mark.parametrize(
    ("exchange", "window_s"), [(False, WINDOW_S), (True, 1.0)], ids=["driver", "exchange"]
)
def test_a_shard_that_raises_fails_the_run_with_its_error(exchange: bool, window_s: float) -> None:
    """Whether the driver or the shards cross the barriers (with 1-second windows the
    shards' exchange runs every window after the first)."""

    class FailingShard(Shard):
        """Shard 1 raises at its first barrier, as a shard whose call reached a path whose
        cross-shard effects are not built would (every simulated path is carried today).
        Defined here so Ray ships it by value: a worker cannot import the test module."""

        def step(self, *window: Any) -> Advanced:
            if self.simulation.shard == 1:
                require_sharded_path("account_close")
            return super().step(*window)

    scenario = social_ci_smoke(f"sharding.window_s={window_s}")
    ((population_seed, run_seed),) = replication_streams(scenario.seed, 1)
    with pytest.raises(RemoteFailed, match=r"^shard 1 failed: UnshardedCall: a call on") as failed:
        run_sharded(
            scenario, population_seed, run_seed, 2, shard_class=FailingShard, exchange=exchange
        )
    assert failed.value.index == 1
    assert isinstance(failed.value.error, UnshardedCall)


def test_replications_run_as_jobs_give_the_sequential_runs_metrics() -> None:
    scenario = load_scenario("scenarios/ci-smoke.yaml", ["replications=2"])
    sequential = simulate(scenario)
    jobs = simulate(scenario, parallel=Parallelism(jobs=2))
    assert jobs.result.metrics == sequential.result.metrics
    assert jobs.timeseries == sequential.timeseries
