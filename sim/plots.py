"""The run's own plots, the ones a person looks at first (the report adds one per column).

Each figure overlays related timeseries columns: who is active and who left, timeline
latency percentiles, fan-out lag, and how busy each station is.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

from outcomes.plots import new_figure, save_png
from outcomes.timeseries import Timeseries
from sim.revenue import STREAM_METRICS

FIGURES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "users.png": (
        "Active users and churn",
        "accounts",
        ("users.active", "users.churned"),
    ),
    "latency.png": (
        "Home timeline latency",
        "ms",
        (
            "latency.timeline_read.p50_ms",
            "latency.timeline_read.p95_ms",
            "latency.timeline_read.p99_ms",
        ),
    ),
    "fanout_lag.png": ("Fan-out lag", "s", ("fanout.lag.p50_s", "fanout.lag.p99_s")),
    "utilisation.png": (
        "Utilisation by station",
        "busy share",
        ("utilization.app", "utilization.db", "utilization.cache", "utilization.fanout"),
    ),
    "revenue.png": ("Revenue by stream", "coins per interval", (*STREAM_METRICS, "revenue.total")),
    "revenue_mix.png": ("Revenue mix", "share of the interval's revenue", ("revenue.share.*",)),
}
"""File name → (title, y-axis label, columns drawn: names or globs)."""


def write_run_plots(series: Timeseries, run_dir: Path) -> list[Path]:
    """Save each figure whose columns the timeseries has; returns the files written."""
    written = []
    for name, (title, unit, columns) in FIGURES.items():
        present = [c for pattern in columns for c in fnmatch.filter(series.columns, pattern)]
        if not present:
            continue
        figure, axes = new_figure(title)
        for column in present:
            axes.plot(series.t_hours, series.columns[column], label=column)
        axes.set_xlabel("simulated time (hours)")
        axes.set_ylabel(unit)
        axes.legend()
        written.append(save_png(figure, run_dir / name))
    return written
