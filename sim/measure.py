"""What one replication measured: the timeseries rows and the end-of-run metrics.

Metric names come from the catalogue (`outcomes.metrics`); everything is in simulated time,
and warm-up is left out of the metrics (not of the timeseries, which shows the whole run).
Each metric's within-run 95 % interval is made here too, from the samples and counts it
was made of (`capacity_metrics`, `interval_bands`; methods in `sim.intervals`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, replace

import numpy as np

from outcomes.mix import SHARE_METRIC, request_shares
from sim.capacity.model import CapacityModel, Snapshot
from sim.capacity.station import StationMark, StationStats
from sim.intervals import (
    Estimate,
    Intervals,
    compound_sum,
    percentile_interval,
    poisson_count,
    present,
    wilson,
)

LATENCY_STATS = (("p50_ms", 50.0), ("p95_ms", 95.0), ("p99_ms", 99.0))
TIMESERIES_LATENCY = (("timeline_read", "p50_ms"), ("timeline_read", "p95_ms"),
                      ("timeline_read", "p99_ms"), ("post", "p99_ms"))  # fmt: skip
LAG_STATS = (("p50_s", 50.0), ("p95_s", 95.0), ("p99_s", 99.0))

Metrics = dict[str, tuple[float, str]]
"""Metric name → (value, unit) of one replication."""


@dataclass
class Counters:
    """Running totals of what agents asked of the platform."""

    requests: int = 0
    errors: int = 0
    refused: int = 0
    """Refusals the calling activity expected (see `Call.expected`), not errors."""
    deliveries: int = 0
    delivery_squares: int = 0
    """Σ of the squared deliveries of each call: a post's fan-out is one event."""
    posts: int = 0
    sessions: int = 0
    mobile_requests: int = 0
    """Requests made by accounts on the mobile app (the rest are web)."""

    def since(self, mark: Counters) -> Counters:
        return Counters(*(getattr(self, f.name) - getattr(mark, f.name) for f in fields(self)))

    def copy(self) -> Counters:
        return replace(self)


@dataclass
class Timeline:
    """Timeseries rows, one per interval, as columns, and the 95 % bands measured with them."""

    t_hours: list[float] = field(default_factory=list)
    columns: dict[str, list[float]] = field(default_factory=dict)
    bands: dict[str, tuple[list[float], list[float]]] = field(default_factory=dict)

    def add(self, t_hours: float, row: dict[str, float], bands: dict[str, Estimate | None]) -> None:
        """Append a row and its bands; a band missing from a row is a gap (NaN)."""
        self.t_hours.append(t_hours)
        for name, value in row.items():
            self.columns.setdefault(name, []).append(value)
        for name, estimate in bands.items():
            if name not in self.bands:
                before = len(self.t_hours) - 1
                self.bands[name] = ([math.nan] * before, [math.nan] * before)
            low, high = self.bands[name]
            low.append(math.nan if estimate is None else estimate.lo)
            high.append(math.nan if estimate is None else estimate.hi)


def interval_row(
    snapshot: Snapshot, counters: Counters, active: int, churned: int
) -> dict[str, float]:
    """One timeseries row from the capacity model's interval snapshot and agents' counters."""
    elapsed = snapshot.end_s - snapshot.start_s
    requests = sum(snapshot.requests.values())
    row = {
        "users.active": float(active),
        "users.sessions": float(counters.sessions),
        "users.churned": float(churned),
        "throughput.requests_per_s": requests / elapsed if elapsed > 0 else float("nan"),
        "errors.rate": counters.errors / counters.requests if counters.requests else 0.0,
    }
    for path, stat in TIMESERIES_LATENCY:
        summary = snapshot.latency_ms.get(path)
        value = getattr(summary, stat.removesuffix("_ms")) if summary else float("nan")
        row[f"latency.{path}.{stat}"] = float(value)
    for station, stats in snapshot.stations.items():
        row[f"utilization.{station}"] = stats.utilisation
    row["fanout.deliveries"] = float(counters.deliveries)
    row["fanout.lag.p50_s"] = float(snapshot.fanout_lag_s.p50)
    row["fanout.lag.p99_s"] = float(snapshot.fanout_lag_s.p99)
    return row


def interval_bands(snapshot: Snapshot) -> dict[str, Estimate | None]:
    """Each station's utilisation band for the interval (a timeseries card reads its peak)."""
    return {
        f"utilization.{station}": utilisation_interval(stats)
        for station, stats in snapshot.stations.items()
    }


def utilisation_interval(stats: StationStats) -> Estimate | None:
    """Busy time is a compound sum of service times: Var(U) ≈ Σ s² / (c·T)²."""
    available = stats.servers * stats.elapsed
    if available <= 0:
        return None
    return compound_sum(stats.utilisation, stats.busy_squares / available**2, ceiling=1.0)


@dataclass(frozen=True)
class WindowStart:
    """Where the measured window (after warm-up) starts in the model's cumulative records."""

    time_s: float
    stations: dict[str, StationMark]
    latency_counts: dict[str, int]
    lag_counts: dict[str, int]
    counters: Counters

    @classmethod
    def now(cls, model: CapacityModel, counters: Counters) -> WindowStart:
        return cls(
            model.env.now,
            model.station_marks(),
            {path: model.latency_ms(path).size for path in model.paths()},
            {family: model.lags_s(family).size for family in model.lag_families()},
            counters.copy(),
        )


@dataclass(frozen=True)
class WindowSamples:
    """The measured window's samples, read once: latency by path, fan-out lags, stations."""

    latency_ms: dict[str, np.ndarray]
    lags_s: dict[str, np.ndarray]
    """Lags by family: `fanout` (posts), `fanservice` (broadcasts)."""
    stations: dict[str, StationStats]

    @classmethod
    def of(cls, model: CapacityModel, start: WindowStart) -> WindowSamples:
        return cls(
            {path: model.latency_ms(path)[start.latency_counts.get(path, 0) :]
             for path in model.paths()},
            {family: model.lags_s(family)[start.lag_counts.get(family, 0) :]
             for family in model.lag_families()},
            model.station_stats(start.stations),
        )  # fmt: skip


def capacity_metrics(
    model: CapacityModel, start: WindowStart, counters: Counters
) -> tuple[Metrics, Intervals]:
    """Latency, throughput, request mix, errors, fan-out and utilisation over the measured
    window (the mix counts the requests completed in it, as the throughputs do), and their
    within-run intervals."""
    seen = WindowSamples.of(model, start)
    done = counters.since(start.counters)
    return _capacity_values(seen, done, model.env.now - start.time_s), _intervals(seen, done)


def _capacity_values(seen: WindowSamples, done: Counters, elapsed: float) -> Metrics:
    metrics: Metrics = {}
    completed = {path: samples.size for path, samples in seen.latency_ms.items()}
    for path, samples in seen.latency_ms.items():
        metrics.update(_summary(f"latency.{path}", samples, LATENCY_STATS, "ms"))
        metrics[f"throughput.{path}.requests_per_s"] = (samples.size / elapsed, "1/s")
    metrics["throughput.requests_per_s"] = (sum(completed.values()) / elapsed, "1/s")
    metrics.update(request_shares(completed))
    metrics["throughput.posts_per_s"] = (done.posts / elapsed, "1/s")
    metrics["errors.count"] = (float(done.errors), "count")
    metrics["errors.rate"] = (done.errors / done.requests if done.requests else 0.0, "ratio")
    metrics["errors.refused"] = (float(done.refused), "count")
    metrics["fanout.deliveries"] = (float(done.deliveries), "count")
    metrics.update(client_metrics(done, elapsed))
    for family, lags in seen.lags_s.items():
        metrics.update(_summary(f"{family}.lag", lags, LAG_STATS, "s"))
    for name, stats in seen.stations.items():
        metrics[f"utilization.{name}"] = (stats.utilisation, "ratio")
    return metrics


def _intervals(seen: WindowSamples, done: Counters) -> Intervals:
    """Percentiles by order statistics; errors and the request mix as proportions of
    requests; error count Poisson; deliveries and busy time as compound sums."""
    found: dict[str, Estimate | None] = {}
    for path, samples in seen.latency_ms.items():
        found.update(_percentiles(f"latency.{path}", samples, LATENCY_STATS))
    for family, lags in seen.lags_s.items():
        found.update(_percentiles(f"{family}.lag", lags, LAG_STATS))
    total = sum(samples.size for samples in seen.latency_ms.values())
    for path, samples in seen.latency_ms.items():
        found[SHARE_METRIC.format(path=path)] = wilson(samples.size, total)
    found["errors.rate"] = wilson(done.errors, done.requests)
    found["errors.count"] = poisson_count(done.errors)
    found["fanout.deliveries"] = compound_sum(done.deliveries, done.delivery_squares)
    for name, stats in seen.stations.items():
        found[f"utilization.{name}"] = utilisation_interval(stats)
    return present(found)


def _percentiles(
    family: str, samples: np.ndarray, stats: tuple[tuple[str, float], ...]
) -> Iterator[tuple[str, Estimate | None]]:
    for stat, q in stats:
        yield f"{family}.{stat}", percentile_interval(samples, q) if samples.size else None


def _summary(
    prefix: str, samples: np.ndarray, stats: tuple[tuple[str, float], ...], unit: str
) -> Iterator[tuple[str, tuple[float, str]]]:
    """`<prefix>.<stat>` percentiles and `<prefix>.mean_<unit>` of the samples, if any:
    latency by path (`latency.<path>`, ms) and lags by family (`<family>.lag`, s)."""
    if samples.size == 0:
        return
    for stat, q in stats:
        yield f"{prefix}.{stat}", (float(np.percentile(samples, q)), unit)
    yield f"{prefix}.mean_{unit}", (float(samples.mean()), unit)


def client_metrics(done: Counters, elapsed: float) -> Metrics:
    """Requests per second by the client of the account making them, and the mobile share."""
    web = done.requests - done.mobile_requests
    return {
        "clients.mobile.requests_per_s": (done.mobile_requests / elapsed, "1/s"),
        "clients.web.requests_per_s": (web / elapsed, "1/s"),
        "clients.mobile.request_share": (
            done.mobile_requests / done.requests if done.requests else 0.0,
            "ratio",
        ),
    }


class RunningTotals:
    """Running totals read at marks: per timeseries interval and over the measured window.

    Unlike `sim.activities.tally.Tally`, which counts events as they happen and knows the
    clock, these totals may also be set from the platform's own counts before reading (the
    ad server's spend), so the window is a mark taken when it opens. The activity adds to
    `totals` as things happen or sets them; `interval()` and `window()` give what changed
    since the last interval and since the measured window opened. It also sums the squares
    of what is added, the Σ x² a compound sum's within-run interval needs (`compound`).
    """

    def __init__(self, names: tuple[str, ...]) -> None:
        self.totals = dict.fromkeys(names, 0.0)
        self.squares = dict.fromkeys(names, 0.0)
        self._interval = dict(self.totals)
        self._window = dict(self.totals)
        self._window_squares = dict(self.squares)

    def add(self, name: str, amount: float) -> None:
        self.totals[name] += amount
        self.squares[name] += amount * amount

    def add_square(self, name: str, amount: float) -> None:
        """Count an event's amount in Σ x² only, for a total read from the platform."""
        self.squares[name] += amount * amount

    def interval(self) -> dict[str, float]:
        """Changes since the previous call (or the start); starts the next interval."""
        changed = self._since(self._interval)
        self._interval = dict(self.totals)
        return changed

    def open_window(self) -> None:
        self._window = dict(self.totals)
        self._window_squares = dict(self.squares)

    def window(self) -> dict[str, float]:
        """Changes since the measured window opened."""
        return self._since(self._window)

    def compound(self, name: str) -> Estimate | None:
        """The window's total of `name` with its compound-sum interval."""
        squares = self.squares[name] - self._window_squares[name]
        return compound_sum(self.totals[name] - self._window[name], squares)

    def _since(self, mark: dict[str, float]) -> dict[str, float]:
        return {name: total - mark[name] for name, total in self.totals.items()}
