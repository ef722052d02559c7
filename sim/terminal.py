"""What `fanout run` shows on a terminal: a progress bar while it runs, a summary at the end."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from outcomes.formatting import metric_value
from outcomes.result import Result
from sim.arrivals import SECONDS_PER_HOUR
from sim.runner import Progress as ProgressCallback

SUMMARY_METRICS = (
    "users.dau",
    "users.active",
    "users.churned",
    "users.retention_d1",
    "users.retention_d7",
    "users.retention_d30",
    "throughput.requests_per_s",
    "errors.rate",
    "latency.timeline_read.p50_ms",
    "latency.timeline_read.p99_ms",
    "latency.post.p99_ms",
    "fanout.deliveries",
    "fanout.lag.p99_s",
    "utilization.app",
    "utilization.db",
    "utilization.cache",
    "utilization.fanout",
)
"""The metrics a person reads first; summary.json and report.html have all of them."""


@contextmanager
def progress_bar(console: Console, enabled: bool) -> Iterator[ProgressCallback | None]:
    """A bar of simulated hours done, or nothing when disabled (not a terminal, --quiet)."""
    if not enabled:
        yield None
        return
    columns = (
        TextColumn("simulating"),
        BarColumn(),
        TextColumn("{task.fields[hours]:.1f} of {task.fields[total_hours]:.1f} simulated h"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("run", total=1.0, hours=0.0, total_hours=0.0)

        def advance(done_s: float, total_s: float) -> None:
            hours, total_hours = done_s / SECONDS_PER_HOUR, total_s / SECONDS_PER_HOUR
            bar.update(task, completed=done_s / total_s, hours=hours, total_hours=total_hours)

        yield advance


def summary_table(result: Result) -> Table:
    """The headline metrics of a run, with 95 % intervals when there are replications."""
    table = Table(title=f"{result.scenario.name}: {result.replications} replication(s)")
    table.add_column("metric")
    table.add_column("value [95 % CI]", justify="right")
    table.add_column("unit")
    for name in SUMMARY_METRICS:
        metric = result.metrics.get(name)
        if metric is not None:
            table.add_row(name, metric_value(metric), metric.unit)
    revenue = sorted(name for name in result.metrics if name.startswith("revenue."))
    for name in revenue:
        table.add_row(name, metric_value(result.metrics[name]), result.metrics[name].unit)
    return table
