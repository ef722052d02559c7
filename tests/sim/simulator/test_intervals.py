"""Within-run intervals against theory: each covers a known truth ~95 % of the time.

Every method is run on many synthetic samples of a distribution whose answer is known, for
several seeds; its coverage (the share of intervals that hold the truth) must fall in a
band around 95 % wide enough for the trials' own sampling error (±3 standard errors) and
for methods that are exact but conservative (order statistics, Garwood, the binomial bound
on a Poisson-binomial). Each check has a negative control: the same intervals set against
a truth 10–20 % off must miss the band, or the check could not fail.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pytest

from sim.capacity.station import Station
from sim.intervals import (
    Estimate,
    active_share,
    compound_sum,
    independent_total,
    percentile_interval,
    poisson_count,
    scaled,
    wilson,
)
from sim.measure import utilisation_interval

SEEDS = (1, 2, 3)
TRIALS = 300
COVERED = (0.95 - 3 * math.sqrt(0.95 * 0.05 / TRIALS), 0.99)
"""Coverage band: three standard errors below 95 %, and short of always (too wide)."""


def coverage(intervals: Sequence[Estimate | None], truth: float) -> float:
    return sum(e is not None and e.lo <= truth <= e.hi for e in intervals) / len(intervals)


def assert_covers(
    draw: Callable[[np.random.Generator], Estimate | None], truth: float, wrong: float
) -> None:
    """Coverage of `truth` in the band for every seed, and of `wrong` below it."""
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        intervals = [draw(rng) for _ in range(TRIALS)]
        found, control = coverage(intervals, truth), coverage(intervals, wrong)
        assert COVERED[0] <= found <= COVERED[1], f"seed {seed}: coverage {found:.3f}"
        assert control < COVERED[0], f"seed {seed}: {wrong} covered {control:.3f} (no power)"


def test_order_statistics_cover_a_percentile_of_any_distribution() -> None:
    """p99 of 2 000 exponential latencies: the truth is ln 100 (mean 1)."""
    assert_covers(
        lambda rng: percentile_interval(rng.exponential(1.0, 2000), 99.0),
        truth=math.log(100),
        wrong=math.log(100) * 1.1,
    )


def test_order_statistics_refuse_a_percentile_too_far_out_for_the_sample() -> None:
    """100 samples cannot bound a p99 from above at 95 %: no interval, not a wrong one."""
    assert percentile_interval(np.arange(100.0), 99.0) is None
    found = percentile_interval(np.arange(1000.0), 50.0)
    assert found is not None and found.lo < 499.5 < found.hi and found.method == "order-statistic"


def test_wilson_covers_a_rare_proportion() -> None:
    """2 % errors among 1 000 requests, where a Wald interval undercovers."""
    assert_covers(lambda rng: wilson(rng.binomial(1000, 0.02), 1000), truth=0.02, wrong=0.025)


def test_garwood_covers_a_poisson_mean() -> None:
    assert_covers(lambda rng: poisson_count(rng.poisson(30.0)), truth=30.0, wrong=36.0)


def test_no_departures_still_bound_the_rate_from_above() -> None:
    found = poisson_count(0)
    assert (found.lo, round(found.hi, 2)) == (0.0, 3.69)


def test_active_users_of_unequal_accounts_are_covered_by_the_binomial_bound() -> None:
    """DAU over 5 days of 2 000 accounts each active with its own probability (mean 0.3)."""
    rates = np.random.default_rng(0).beta(0.6, 1.4, 2000)

    def draw(rng: np.random.Generator) -> Estimate | None:
        daily = (rng.random((5, rates.size)) < rates).sum(axis=1)
        return active_share(float(daily.mean()), rates.size, days=5)

    truth = float(rates.sum())
    assert_covers(draw, truth=truth, wrong=truth * 1.05)


def revenue(rng: np.random.Generator, rate: float, price: float) -> tuple[float, Estimate | None]:
    """A day's payments: Poisson many, lognormal amounts (a few big spenders)."""
    amounts = rng.lognormal(math.log(price), 1.0, rng.poisson(rate))
    return float(amounts.sum()), compound_sum(float(amounts.sum()), float(amounts @ amounts))


def test_compound_sums_cover_expected_revenue() -> None:
    """E[total] = rate × E[amount] = 400 × 10·e^½."""
    truth = 400 * 10 * math.exp(0.5)
    assert_covers(lambda rng: revenue(rng, 400, 10)[1], truth=truth, wrong=truth * 1.15)


def test_independent_streams_add_their_spread() -> None:
    """Total of two streams (one of them bigger, fewer payments)."""
    truth = (400 * 10 + 50 * 200) * math.exp(0.5)
    assert_covers(
        lambda rng: independent_total([revenue(rng, 400, 10), revenue(rng, 50, 200)]),
        truth=truth,
        wrong=truth * 1.15,
    )


def test_a_stream_with_no_payments_has_no_interval_and_adds_nothing_to_the_total() -> None:
    assert compound_sum(0.0, 0.0) is None
    paid = compound_sum(100.0, 400.0)
    assert independent_total([(100.0, paid), (0.0, None)]) == pytest.approx(paid)
    assert independent_total([(100.0, paid), (5.0, None)]) is None


def test_scaling_a_metric_scales_its_interval() -> None:
    assert scaled(Estimate(2.0, 4.0, "compound-poisson"), 0.5) == (1.0, 2.0, "compound-poisson")


@pytest.mark.parametrize("servers", [1, 4])
def test_busy_time_covers_the_stations_utilisation(servers: int) -> None:
    """Poisson arrivals at ρ = 0.3, exponential services: the hour's busy share is ρ."""
    rho, jobs = 0.3, 1000

    def draw(rng: np.random.Generator) -> Estimate | None:
        horizon = jobs / (rho * servers)
        arrivals = np.sort(rng.uniform(0.0, horizon, rng.poisson(jobs)))
        station = Station(servers)
        station.admit(arrivals, rng.exponential(1.0, arrivals.size))
        return utilisation_interval(station.stats(horizon))

    assert_covers(draw, truth=rho, wrong=rho * 1.12)
