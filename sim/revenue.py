"""Revenue as a strategist reads it: the streams' total and mix, per account and day, and
annualised at the size of the platform the population stands for.

Activities report each stream (`revenue.<stream>` of `outcomes.metrics.REVENUE_STREAMS`) in
coins the ledger moved; everything here is derived from those, so it cannot disagree with
the ledger. Coins are yuan at par, so the per-account and annualised figures are yuan, and
`revenue.annualised_usd` converts at the scenario's `economy.yuan_per_usd`.

Within a run, each stream is a compound sum of its payments (`sim.intervals`); the streams
are taken as independent (different people's ads, games, orders and gifts), so the total
is a compound sum whose Σ x² is the streams' together, and the per-account and annualised
figures are fixed multiples of it. The mix's shares get no within-run interval.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from outcomes.metrics import STREAM_METRICS
from scenario import Scenario
from sim.intervals import Intervals, independent_total, scaled
from sim.measure import Metrics

DAYS_PER_YEAR = 365.0


def mix(values: Mapping[str, float]) -> dict[str, float]:
    """`revenue.total` and each present stream's `revenue.share.<stream>` (NaN when the
    total is 0: no revenue has no mix); nothing when no stream is present."""
    streams = {name: values[name] for name in STREAM_METRICS if name in values}
    if not streams:
        return {}
    total = sum(streams.values())
    shares = {
        f"revenue.share.{name.removeprefix('revenue.')}": value / total if total else math.nan
        for name, value in streams.items()
    }
    return {"revenue.total": total, **shares}


@dataclass(frozen=True)
class Scale:
    """What one replication's revenue is per: accounts, measured days, represented size."""

    accounts: int
    days: float
    represents: int
    yuan_per_usd: float

    @classmethod
    def of(cls, scenario: Scenario) -> Scale:
        return cls(
            accounts=scenario.population.users,
            days=scenario.duration_days - scenario.warmup_days,
            represents=scenario.population.represented,
            yuan_per_usd=scenario.economy.yuan_per_usd,
        )


def revenue_intervals(metrics: Metrics, intervals: Intervals, scale: Scale) -> Intervals:
    """The total's interval from its streams' (none when a stream with revenue has none)."""
    streams = [name for name in STREAM_METRICS if name in metrics]
    total = independent_total((metrics[name][0], intervals.get(name)) for name in streams)
    if total is None:
        return {}
    per_account_day = 1 / (scale.accounts * scale.days)
    annualised = per_account_day * DAYS_PER_YEAR * scale.represents
    return {
        "revenue.total": total,
        "revenue.per_account_day": scaled(total, per_account_day),
        "revenue.annualised": scaled(total, annualised),
        "revenue.annualised_usd": scaled(total, annualised / scale.yuan_per_usd),
    }


def revenue_metrics(metrics: Metrics, scale: Scale) -> Metrics:
    """The derived revenue metrics of a replication's end-of-run streams."""
    derived = mix({name: value for name, (value, _) in metrics.items()})
    if not derived:
        return {}
    total = derived.pop("revenue.total")
    per_account_day = total / (scale.accounts * scale.days)
    annualised = per_account_day * DAYS_PER_YEAR * scale.represents
    found: Metrics = {
        name: (share, "ratio") for name, share in derived.items() if not math.isnan(share)
    }
    found["revenue.total"] = (total, "coins")
    found["revenue.per_account_day"] = (per_account_day, "yuan")
    found["revenue.annualised"] = (annualised, "yuan")
    found["revenue.annualised_usd"] = (annualised / scale.yuan_per_usd, "USD")
    return found
