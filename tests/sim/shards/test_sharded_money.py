"""Sharded runs with money on, on a local Ray cluster: top-ups, game purchases, gifts
between shards (through clearing accounts), paid memberships and commerce orders (whose
merchant and influencer may live on another shard). The same seed gives the
same metrics, every credit sent is applied, the union of the shards' books balances at
every barrier, the merged Result's money agrees with the ledgers', and two shards' revenue
is one shard's within sampling noise."""

from __future__ import annotations

import math

import pytest

from outcomes.result import Metric, Result
from scenario import Scenario
from sim.engine import Simulation
from sim.intervals import Z
from sim.runner import Parallelism, Populations, replication_streams, simulate
from sim.shards.clearing import union_books
from sim.shards.executor import ShardedOutcome, run_sharded
from tests.sim.shards.conftest import social_ci_smoke

pytestmark = [pytest.mark.usefixtures("ray_cluster"), pytest.mark.slow]

FEN_PER_COIN = 100
STREAMS = ("revenue.games", "revenue.vas", "revenue.commerce", "commerce.gmv",
           "payments.gift_volume", "payments.topup_volume")  # fmt: skip
"""Money a run moves, each a compound sum over its payments (`sim.intervals`)."""


def money_ci_smoke(*overrides: str) -> Scenario:
    """ci-smoke as a sharded run carries it, with nearly every session paying (a top-up,
    a game item, a gift to a followee, most of them on the other shard, a membership, and
    a shop browsed, its products bought one time in two): a few hundred payments of each
    kind in 6 hours, so each stream's within-run standard error is under 8 % of it."""
    return social_ci_smoke(
        "behaviour.per_session.top_up=1", "behaviour.per_session.game_purchase=1",
        "behaviour.games.paying_user_share=1", "behaviour.per_session.gift=1",
        "economy.memberships.join_per_session=1", "behaviour.per_session.shop_browse=0.5",
        "economy.commerce.conversion_probability=0.5", *overrides,
    )  # fmt: skip


def sharded(scenario: Scenario, audit_windows: bool = False) -> ShardedOutcome:
    ((population_seed, run_seed),) = replication_streams(scenario.seed, 1)
    return run_sharded(scenario, population_seed, run_seed, 2, audit_windows=audit_windows)


@pytest.fixture(scope="module")
def audited(ray_cluster: None) -> ShardedOutcome:
    """money_ci_smoke on two shards with the books audited at every barrier: the module's
    tests that read one run's messages and books share it (a run costs ~20 s)."""
    return sharded(money_ci_smoke(), audit_windows=True)


@pytest.fixture(scope="module")
def two_shards(ray_cluster: None) -> Result:
    """money_ci_smoke on two shards as `fanout run --shards 2` runs it."""
    return simulate(money_ci_smoke(), parallel=Parallelism(shards=2)).result


def test_two_shards_with_money_give_the_same_metrics_run_after_run(two_shards: Result) -> None:
    again = simulate(money_ci_smoke(), parallel=Parallelism(shards=2)).result
    metrics = {"metrics"}
    assert two_shards.model_dump_json(include=metrics) == again.model_dump_json(include=metrics)
    assert all(two_shards.metrics[name].value > 0 for name in STREAMS)


def test_the_books_balance_over_both_shards_at_every_barrier_and_every_credit_is_applied(
    audited: ShardedOutcome,
) -> None:
    scenario = money_ci_smoke()
    assert audited.sent == audited.applied
    pairs = {kind: {(source, target) for k, source, target in audited.sent if k == kind}
             for kind in ("credit", "product_post", "endorse")}  # fmt: skip
    assert pairs["credit"] == {(0, 1), (1, 0)}
    assert pairs["product_post"] and pairs["endorse"]  # a 6-hour run has few product posts
    barriers = math.ceil(scenario.duration_days * 86_400 / scenario.sharding.window_s) + 1
    assert len(audited.audits) == barriers  # the start, then every barrier once its inbox applied
    assert [audit.problems for audit in audited.audits if not audit.balanced] == []
    assert audited.audits[-1].issued_fen > audited.audits[0].issued_fen  # money was issued


def test_the_seeded_campaign_budgets_are_issued_once_over_the_shards(
    audited: ShardedOutcome,
) -> None:
    """Every shard seeds the same economy; only an owner's shard funds its campaigns."""
    scenario = money_ci_smoke()
    ((population_seed, run_seed),) = replication_streams(scenario.seed, 1)
    drawn, population = Populations(scenario).draw(population_seed)
    unsharded = Simulation(drawn, population, run_seed).world.blog.ledger.audit()
    assert audited.audits[0].issued_fen == unsharded.issued_fen > 0


def test_the_merged_results_money_is_the_ledgers_none_lost_or_doubled() -> None:
    """Each shard's wallets, revenue and clearing accounts together hold what was issued,
    and the Result's revenue and top-ups (summed over the shards' tallies) are exactly
    what the ledgers moved (a stream counted on both shards would be twice it), with
    payments and feed ads both on; orders and their impressions merge into one conversion.
    Users pause two minutes between calls, so dozens of calls are in flight at the end:
    when an order was counted after its buyer's pause, an order placed within a pause of
    the end moved coins no metric counted (1.40 coins of commission in the run that found
    it, with the default 10-second pauses)."""
    scenario = money_ci_smoke("behaviour.think_time_s=120")
    assert scenario.warmup_days == 0  # the metrics cover the whole run, as the ledgers do
    assert scenario.economy.ads.load > 0
    done = sharded(scenario)
    books = union_books([shard.books for shard in done.shards])
    assert books.balanced and books.clearing_fen == 0
    assert books.circulating_fen == books.issued_fen - books.redeemed_fen
    metrics = done.outcome.metrics
    assert metrics["revenue.ads"][0] > 0
    streams = ("games", "vas", "commerce", "ads", "live", "apps")
    revenue = sum(metrics[f"revenue.{stream}"][0] for stream in streams)
    assert books.platform_revenue_fen == round(revenue * FEN_PER_COIN)
    assert books.topups_confirmed_fen == round(metrics["payments.topup_volume"][0] * FEN_PER_COIN)
    assert metrics["payments.audit_balanced"] == (1.0, "bool")
    conversion = metrics["commerce.orders"][0] / metrics["commerce.impressions"][0]
    assert metrics["commerce.conversion"][0] == pytest.approx(conversion)
    web, mobile = metrics["clients.web.revenue"][0], metrics["clients.mobile.revenue"][0]
    assert web + mobile == pytest.approx(metrics["revenue.total"][0])


def test_two_shards_move_one_shards_money_within_sampling_noise(two_shards: Result) -> None:
    """K = 2 draws other behaviour than K = 1 (a stream per shard), so each stream differs
    by noise. Each run gives the stream a within-run 95 % interval (a compound sum: 1.96
    standard errors above the value; K = 2's from both shards' Σ x²), and two independent
    runs differ with a standard error of their quadrature sum: the tolerance is 4 of those
    (a false alarm about once in 16,000 per stream). A stream counted on both shards, or
    lost on one, is off by about half or all of it: several times the tolerance."""
    scenario = money_ci_smoke()
    one = simulate(scenario, parallel=Parallelism(shards=1)).result.metrics
    two = two_shards.metrics
    for name in (*STREAMS, "revenue.total"):
        errors = [_standard_error(run[name]) for run in (one, two)]
        tolerance = 4 * math.hypot(*errors)
        assert abs(two[name].value - one[name].value) <= tolerance, name
        assert tolerance < one[name].value / 2, name  # the check could see a lost shard


def _standard_error(metric: Metric) -> float:
    assert metric.ci95 is not None and metric.interval == "compound-poisson"
    return (metric.ci95[1] - metric.value) / Z
