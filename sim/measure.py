"""What one replication measured: the timeseries rows and the end-of-run metrics.

Metric names come from the catalogue (`outcomes.metrics`); everything is in simulated time,
and warm-up is left out of the metrics (not of the timeseries, which shows the whole run).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields, replace

import numpy as np

from outcomes.mix import request_shares
from sim.capacity.model import CapacityModel, Snapshot
from sim.capacity.station import StationMark

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
    """Timeseries rows, one per interval, as columns."""

    t_hours: list[float] = field(default_factory=list)
    columns: dict[str, list[float]] = field(default_factory=dict)

    def add(self, t_hours: float, row: dict[str, float]) -> None:
        self.t_hours.append(t_hours)
        for name, value in row.items():
            self.columns.setdefault(name, []).append(value)


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


@dataclass(frozen=True)
class WindowStart:
    """Where the measured window (after warm-up) starts in the model's cumulative records."""

    time_s: float
    stations: dict[str, StationMark]
    latency_counts: dict[str, int]
    lag_count: int
    counters: Counters

    @classmethod
    def now(cls, model: CapacityModel, counters: Counters) -> WindowStart:
        return cls(
            model.env.now,
            model.station_marks(),
            {path: model.latency_ms(path).size for path in model.paths()},
            model.fanout_lags_s().size,
            counters.copy(),
        )


def capacity_metrics(model: CapacityModel, start: WindowStart, counters: Counters) -> Metrics:
    """Latency, throughput, request mix, errors, fan-out and utilisation over the measured
    window (the mix counts the requests completed in it, as the throughputs do)."""
    elapsed = model.env.now - start.time_s
    done = counters.since(start.counters)
    metrics: Metrics = {}
    completed: dict[str, int] = {}
    for path in model.paths():
        samples = model.latency_ms(path)[start.latency_counts.get(path, 0) :]
        completed[path] = samples.size
        metrics.update(_latency(path, samples))
        metrics[f"throughput.{path}.requests_per_s"] = (samples.size / elapsed, "1/s")
    metrics["throughput.requests_per_s"] = (sum(completed.values()) / elapsed, "1/s")
    metrics.update(request_shares(completed))
    metrics["throughput.posts_per_s"] = (done.posts / elapsed, "1/s")
    metrics["errors.count"] = (float(done.errors), "count")
    metrics["errors.rate"] = (done.errors / done.requests if done.requests else 0.0, "ratio")
    metrics["errors.refused"] = (float(done.refused), "count")
    metrics["fanout.deliveries"] = (float(done.deliveries), "count")
    metrics.update(client_metrics(done, elapsed))
    lags = model.fanout_lags_s()[start.lag_count :]
    if lags.size:
        for stat, q in LAG_STATS:
            metrics[f"fanout.lag.{stat}"] = (float(np.percentile(lags, q)), "s")
        metrics["fanout.lag.mean_s"] = (float(lags.mean()), "s")
    for name, stats in model.station_stats(start.stations).items():
        metrics[f"utilization.{name}"] = (stats.utilisation, "ratio")
    return metrics


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


def _latency(path: str, samples: np.ndarray) -> Iterator[tuple[str, tuple[float, str]]]:
    if samples.size == 0:
        return
    for stat, q in LATENCY_STATS:
        yield f"latency.{path}.{stat}", (float(np.percentile(samples, q)), "ms")
    yield f"latency.{path}.mean_ms", (float(samples.mean()), "ms")


class Tally:
    """Running totals an activity measures, read per timeseries interval and over the window.

    The activity adds to `totals` as things happen (or sets them from the platform's own
    counts before reading); `interval()` and `window()` give what changed since the last
    interval and since the measured window opened.
    """

    def __init__(self, names: tuple[str, ...]) -> None:
        self.totals = dict.fromkeys(names, 0.0)
        self._interval = dict(self.totals)
        self._window = dict(self.totals)

    def add(self, name: str, amount: float) -> None:
        self.totals[name] += amount

    def interval(self) -> dict[str, float]:
        """Changes since the previous call (or the start); starts the next interval."""
        changed = self._since(self._interval)
        self._interval = dict(self.totals)
        return changed

    def open_window(self) -> None:
        self._window = dict(self.totals)

    def window(self) -> dict[str, float]:
        """Changes since the measured window opened."""
        return self._since(self._window)

    def _since(self, mark: dict[str, float]) -> dict[str, float]:
        return {name: total - mark[name] for name, total in self.totals.items()}
