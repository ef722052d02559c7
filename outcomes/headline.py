"""The first screen of a report: did every SLO hold, then the headline numbers.

A strategist opens a report for users, revenue and GMV; a planner for the SLOs and the
station that saturates first. Both answers come before any chart or table, in the HTML
report and in `fanout run`'s terminal summary alike: one model here, a renderer for each.
A comparison carries each later run's change against the first, tested as `compare` tests
it (Welch's test on replicates, Benjamini–Hochberg over every shared metric).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from outcomes.clock import clock_origin, clock_text
from outcomes.compare import Change, change_between, compare_runs, shares_population
from outcomes.formatting import percent
from outcomes.gate import Check, parse_slos, slo_check
from outcomes.metrics import CATALOGUE, STREAM_METRICS, better_direction, metric_label
from outcomes.result import IntervalMethod, Metric, Result, Run
from outcomes.slo import Slo
from outcomes.timeseries import Timeseries, labelled_timeseries

RETENTION = ("users.retention_d30", "users.retention_d7", "users.retention_d1")
"""Retention horizons, longest first: a run shows the longest it was long enough to measure."""
STATIONS = tuple(name for name in CATALOGUE if name.startswith("utilization."))
"""Each capacity station's busy share; its card shows the peak of its timeseries."""
WITHIN_RUN_BAND: IntervalMethod = "compound-poisson"
"""How a one-replication simulation's utilisation bands are made (busy time as a compound
sum of service times, `sim.measure.interval_bands`)."""

Slot = tuple[str, ...]
"""Metric names that can fill one card, the first a run has winning."""
HEADLINE_GROUPS: tuple[tuple[str, tuple[Slot, ...]], ...] = (
    ("Users", (("users.dau", "users.active"), RETENTION, ("users.churned",))),
    ("Revenue", (("revenue.total",), *((s,) for s in STREAM_METRICS))),
    ("Commerce and ads", (("commerce.gmv",), ("ads.ctr",))),
    (
        "Capacity",
        (
            ("latency.timeline_read.p99_ms",),
            ("fanout.lag.p99_s",),
            ("errors.rate",),
            *((s,) for s in STATIONS),
        ),
    ),
    (
        "Load generator health",
        (
            ("loadgen.lag.p99_ms",),
            ("loadgen.lag.max_ms",),
            ("loadgen.cpu.mean_pct",),
            ("loadgen.cpu.max_pct",),
        ),
    ),
)
"""The cards of the first screen by question, in reading order; a card whose metric no run
has is left out, so a load test shows its generator's health and a simulation does not."""


@dataclass(frozen=True)
class Reading:
    """One run's value on a card, and what it is (`peak at 21:00` for a station's peak)."""

    value: Metric
    note: str = ""
    summary: bool = True
    """From the Result's metrics (so tested with the rest of a comparison), not a peak
    read off the timeseries."""


@dataclass(frozen=True)
class Card:
    metric: str
    label: str
    readings: list[Reading | None]
    """One per run, None where the run lacks the metric."""
    changes: list[Change | None]
    """One per run after the first, against the first (None where either lacks it)."""


@dataclass(frozen=True)
class CardGroup:
    title: str
    cards: list[Card]


@dataclass(frozen=True)
class Verdict:
    """One SLO and how each run did against it."""

    slo: Slo
    checks: list[Check]


@dataclass(frozen=True)
class Headline:
    labels: list[str]
    replications: list[int]
    verdicts: list[Verdict]
    groups: list[CardGroup]

    @property
    def passed(self) -> bool:
        return all(check.passed for verdict in self.verdicts for check in verdict.checks)


def headline(runs: Sequence[Run]) -> Headline:
    """The first screen of one run, or of several compared with the first."""
    series = dict(labelled_timeseries(runs))
    readings = [_readings(run.result, series.get(run.label)) for run in runs]
    tests = _tests(runs)
    paired = [shares_population(runs[0].result, run.result) for run in runs[1:]]
    groups = [
        CardGroup(title, cards)
        for title, slots in HEADLINE_GROUPS
        if (
            cards := [
                c for slot in slots if (c := _card(slot, readings, tests, paired)) is not None
            ]
        )
    ]
    return Headline(
        [run.label for run in runs],
        [run.result.replications for run in runs],
        verdicts([r.result for r in runs]),
        groups,
    )


def verdicts(results: Sequence[Result]) -> list[Verdict]:
    """Every SLO any of the runs' scenarios lists, checked against each run."""
    texts = [text for result in results for text in result.scenario.resolved.get("slos", [])]
    return [
        Verdict(slo, [slo_check(result, slo) for result in results]) for slo in parse_slos(texts)
    ]


Readings = dict[str, Reading]


def _readings(result: Result, series: Timeseries | None) -> Readings:
    """The run's value of every metric a card can show; a station's is its timeseries' peak."""
    found = {name: Reading(metric) for name, metric in result.metrics.items()}
    if series is not None:
        origin = clock_origin(result)
        for station in STATIONS:
            peak = _peak(series, station, result, origin)
            if peak is not None:
                found[station] = peak
    return found


def _peak(series: Timeseries, column: str, result: Result, origin: float | None) -> Reading | None:
    values = series.columns.get(column)
    present = [(v, i) for i, v in enumerate(values or []) if v == v]  # NaN is a gap
    if not present:
        return None
    value, row = max(present)
    t = series.t_hours[row]
    when = clock_text(t + origin) if origin is not None else f"{t:.1f} h in"
    whole_run = result.metrics.get(column)
    mean = f"; run mean {percent(whole_run.value)}" if whole_run is not None else ""
    band = series.band(column, row)
    method: IntervalMethod = "replications" if result.replications > 1 else WITHIN_RUN_BAND
    peak = Metric(value=value, unit="ratio", ci95=band, interval=None if band is None else method)
    return Reading(peak, f"peak at {when}{mean}", summary=False)


Tests = list[dict[str, Change]]
"""Per run after the first: each shared metric's change against the first, tested together."""


def _tests(runs: Sequence[Run]) -> Tests:
    if len(runs) < 2:
        return []
    rows = compare_runs(runs).rows
    return [{row.metric: row.changes[i] for row in rows} for i in range(len(runs) - 1)]


def _card(slot: Slot, readings: list[Readings], tests: Tests, paired: list[bool]) -> Card | None:
    metric = next((m for m in slot if any(m in r for r in readings)), None)
    if metric is None:
        return None
    found = [r.get(metric) for r in readings]
    changes = [
        _change(metric, found[0], other, tested, same)
        for other, tested, same in zip(found[1:], tests, paired, strict=True)
    ]
    peak = any(reading is not None and not reading.summary for reading in found)
    return Card(metric, f"{metric_label(metric)}{', peak' if peak else ''}", found, changes)


def _change(
    metric: str,
    base: Reading | None,
    other: Reading | None,
    tested: dict[str, Change],
    paired: bool,
) -> Change | None:
    """The comparison's tested change; a peak (drawn from the timeseries) is judged alone."""
    if base is None or other is None:
        return None
    if base.summary and other.summary and metric in tested:
        return tested[metric]
    return change_between(base.value, other.value, better_direction(metric), paired=paired)
