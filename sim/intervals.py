"""95 % intervals from within one replication, one method per kind of metric.

Replications give a t-interval over runs (`outcomes.stats.mean_ci95`), but a scenario CI
runs once is too costly to replicate. One run still holds many independent events, and
each kind of metric has a textbook interval built from them:

- **a percentile** of n latency (or fan-out lag) samples: the distribution-free
  order-statistic interval [X_(l), X_(u)] with l, u the binomial Bin(n, q) quantiles at
  2.5 % and 97.5 % (+1): P(X_(l) ≤ ξ_q < X_(u)) ≥ 95 % for any continuous distribution
  (Conover, *Practical Nonparametric Statistics*, 3rd ed. 1999, §3.2; Hahn & Meeker,
  *Statistical Intervals*, 1991, §5.2). None when n is too small for both ranks to exist;
- **a proportion** k of n (errors per request, clicks per impression, a cohort's
  returners, a path's share of requests): the Wilson score interval (Wilson 1927;
  Agresti & Coull 1998), well behaved near 0 and 1 where the Wald interval is not;
- **a count** of rare independent events (churned users, orders, clicks): Poisson, exact
  (Garwood 1936) from chi-square quantiles;
- **active users** of a population of N (DAU, the window's active accounts): each account
  is active or not, so the count is a sum of Bernoulli trials with the account's own
  probability; its variance is at most the binomial Np(1-p) of the pooled share, so the
  Wilson interval of the pooled share, times N, is honest (conservative);
- **a sum of amounts** over random events (revenue, GMV, busy time): compound Poisson,
  Var = Σ x_i² over the events (the events are Poisson, their amounts x_i independent of
  them), with a normal interval; independent streams add their Σ x² (`revenue.total`).

All of them are conditional on the replication's population (graph, rates, wallets): two
runs at the same seed share it, so these intervals are the noise a comparison of two
scenarios at one seed sees; replications also sample the population. They assume the
events are independent: clustered events (the calls of one session, the deliveries of
one post, latencies at a station near saturation, whose queue correlates neighbours)
make the true spread wider than a method that counts them one by one says.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from statistics import NormalDist
from typing import NamedTuple

import numpy as np

from outcomes.result import IntervalMethod
from outcomes.stats import CONFIDENCE

ALPHA = 1.0 - CONFIDENCE
Z = NormalDist().inv_cdf(1.0 - ALPHA / 2)
"""Standard normal quantile (1.96 at 95 %), for the normal intervals of compound sums."""


class Estimate(NamedTuple):
    """A within-run 95 % interval and the method that produced it."""

    lo: float
    hi: float
    method: IntervalMethod


Intervals = dict[str, Estimate]
"""Metric name → its within-run interval, for the metrics a replication can give one."""


def percentile_interval(samples: np.ndarray, percent: float) -> Estimate | None:
    """Order-statistic interval of the `percent` percentile; None when n is too small."""
    from scipy import stats  # imported on use (see outcomes.stats.mean_ci95)

    n, q = samples.size, percent / 100.0
    low_rank = int(stats.binom.ppf(ALPHA / 2, n, q))
    high_rank = int(stats.binom.ppf(1 - ALPHA / 2, n, q)) + 1
    if low_rank < 1 or high_rank > n:
        return None
    lo, hi = np.partition(samples, (low_rank - 1, high_rank - 1))[[low_rank - 1, high_rank - 1]]
    return Estimate(float(lo), float(hi), "order-statistic")


def wilson(successes: float, trials: float) -> Estimate | None:
    """Wilson score interval of a proportion; None without trials."""
    if trials <= 0:
        return None
    from scipy import stats

    found = stats.binomtest(round(successes), round(trials)).proportion_ci(CONFIDENCE, "wilson")
    return Estimate(float(found.low), float(found.high), "wilson")


def active_share(active: float, population: int, days: int = 1) -> Estimate | None:
    """Interval of a mean count of active accounts out of `population` over `days` days:
    Wilson on the pooled share (a Poisson-binomial sum is never wider than binomial)."""
    pooled = wilson(active * days, population * days)
    if pooled is None:
        return None
    return Estimate(pooled.lo * population, pooled.hi * population, "binomial")


def poisson_count(count: float) -> Estimate:
    """Exact (Garwood) interval of a Poisson count."""
    from scipy import stats

    k = round(count)
    lo = float(stats.chi2.ppf(ALPHA / 2, 2 * k)) / 2 if k > 0 else 0.0
    hi = float(stats.chi2.ppf(1 - ALPHA / 2, 2 * k + 2)) / 2
    return Estimate(lo, hi, "poisson")


def compound_sum(total: float, squares: float, ceiling: float = math.inf) -> Estimate | None:
    """Normal interval of a compound Poisson sum with Σ x² = `squares`, within [0, ceiling];
    None when nothing was summed (a run that saw no payment cannot say how large one is)."""
    if squares <= 0:
        return None
    half = Z * math.sqrt(squares)
    return Estimate(max(0.0, total - half), min(ceiling, total + half), "compound-poisson")


def spread(estimate: Estimate, value: float) -> float:
    """Σ x² behind a money sum's interval (its upper end has no ceiling to be clipped at)."""
    return ((estimate.hi - value) / Z) ** 2


def independent_total(parts: Iterable[tuple[float, Estimate | None]]) -> Estimate | None:
    """The compound interval of a sum of independent compound sums, (value, interval) each.

    A part that summed nothing (no interval, value 0) adds nothing; a part with a value but
    no compound interval leaves the total without one.
    """
    parts = [(value, e) for value, e in parts if e is not None or value != 0]
    if any(e is None or e.method != "compound-poisson" for _, e in parts):
        return None
    total = sum(value for value, _ in parts)
    return compound_sum(total, sum(spread(e, value) for value, e in parts if e is not None))


def present(found: Mapping[str, Estimate | None]) -> Intervals:
    """The metrics that got an interval."""
    return {name: estimate for name, estimate in found.items() if estimate is not None}


def scaled(estimate: Estimate, factor: float) -> Estimate:
    """The interval of a metric that is `factor` times another (revenue per account-day)."""
    return estimate._replace(lo=estimate.lo * factor, hi=estimate.hi * factor)
