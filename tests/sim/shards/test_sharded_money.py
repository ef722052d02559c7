"""Sharded runs with money on, on a local Ray cluster: top-ups, game purchases, gifts
between shards (through clearing accounts) and paid memberships. The same seed gives the
same metrics, every credit sent is applied, the union of the shards' books balances at
every barrier, the merged Result's money agrees with the ledgers', and two shards' revenue
is one shard's within sampling noise."""

from __future__ import annotations

import math

import pytest

from outcomes.result import Metric
from scenario import Scenario
from sim.intervals import Z
from sim.runner import Parallelism, replication_streams, simulate
from sim.shards.clearing import union_books
from sim.shards.executor import ShardedOutcome, run_sharded
from tests.sim.shards.conftest import social_ci_smoke

pytestmark = pytest.mark.usefixtures("ray_cluster")

FEN_PER_COIN = 100
STREAMS = ("revenue.games", "revenue.vas", "payments.gift_volume", "payments.topup_volume")
"""Money a run moves, each a compound sum over its payments (`sim.intervals`)."""


def money_ci_smoke() -> Scenario:
    """ci-smoke as a sharded run carries it, with gifts (most of them to another shard's
    account) and memberships common enough to move money every few minutes."""
    return social_ci_smoke(
        "behaviour.per_session.gift=0.3", "economy.memberships.join_per_session=0.02"
    )


def sharded(scenario: Scenario, audit_windows: bool = False) -> ShardedOutcome:
    ((population_seed, run_seed),) = replication_streams(scenario.seed, 1)
    return run_sharded(scenario, population_seed, run_seed, 2, audit_windows=audit_windows)


def test_two_shards_with_money_give_the_same_metrics_run_after_run() -> None:
    scenario = money_ci_smoke()
    first = simulate(scenario, parallel=Parallelism(shards=2)).result
    second = simulate(scenario, parallel=Parallelism(shards=2)).result
    assert first.model_dump_json(include={"metrics"}) == second.model_dump_json(include={"metrics"})
    assert all(first.metrics[name].value > 0 for name in STREAMS)


def test_the_books_balance_over_both_shards_at_every_barrier_and_every_credit_is_applied() -> None:
    scenario = money_ci_smoke()
    done = sharded(scenario, audit_windows=True)
    assert done.sent == done.applied
    credits = {pair: n for (kind, *pair), n in done.sent.items() if kind == "credit"}
    assert set(credits) == {(0, 1), (1, 0)}
    barriers = math.ceil(scenario.duration_days * 86_400 / scenario.sharding.window_s) + 1
    assert len(done.audits) == barriers  # the start, then every barrier once its inbox applied
    assert [audit.problems for audit in done.audits if not audit.balanced] == []
    assert max(audit.issued_fen for audit in done.audits) > 0


def test_the_merged_results_money_is_the_ledgers_none_lost_or_doubled() -> None:
    """Each shard's wallets, revenue and clearing accounts together hold what was issued,
    and the Result's revenue and top-ups (summed over the shards' tallies) are exactly
    what the ledgers moved (a stream counted on both shards would be twice it)."""
    scenario = money_ci_smoke()
    assert scenario.warmup_days == 0  # the metrics cover the whole run, as the ledgers do
    done = sharded(scenario)
    books = union_books([shard.books for shard in done.shards])
    assert books.balanced and books.clearing_fen == 0
    assert books.circulating_fen == books.issued_fen - books.redeemed_fen
    metrics = done.outcome.metrics
    revenue = metrics["revenue.games"][0] + metrics["revenue.vas"][0]
    assert books.platform_revenue_fen == round(revenue * FEN_PER_COIN)
    assert books.topups_confirmed_fen == round(metrics["payments.topup_volume"][0] * FEN_PER_COIN)
    assert metrics["payments.audit_balanced"] == (1.0, "bool")
    web, mobile = metrics["clients.web.revenue"][0], metrics["clients.mobile.revenue"][0]
    assert web + mobile == pytest.approx(metrics["revenue.total"][0])


def test_two_shards_move_one_shards_money_within_sampling_noise() -> None:
    """K = 2 draws other behaviour than K = 1 (a stream per shard), so each stream differs
    by noise. Each run gives the stream a within-run 95 % interval (a compound sum: 1.96
    standard errors above the value; K = 2's from both shards' Σ x²), and two independent
    runs differ with a standard error of their quadrature sum: the tolerance is 4 of those
    (a false alarm about once in 16,000 per stream). A stream counted on both shards, or
    lost on one, is off by about half or all of it: several times the tolerance."""
    scenario = money_ci_smoke()
    one = simulate(scenario, parallel=Parallelism(shards=1)).result.metrics
    two = simulate(scenario, parallel=Parallelism(shards=2)).result.metrics
    for name in (*STREAMS, "revenue.total"):
        errors = [_standard_error(run[name]) for run in (one, two)]
        tolerance = 4 * math.hypot(*errors)
        assert abs(two[name].value - one[name].value) <= tolerance, name
        assert tolerance < one[name].value / 2, name  # the check could see a lost shard


def _standard_error(metric: Metric) -> float:
    assert metric.ci95 is not None and metric.interval == "compound-poisson"
    return (metric.ci95[1] - metric.value) / Z
