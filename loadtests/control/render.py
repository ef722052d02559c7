"""A load test's outcome for people (a table per request path) and for machines (JSON)."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from loadtests.control.run import LoadtestOutcome
from outcomes.formatting import number
from outcomes.gate_render import gate_data
from outcomes.result import Result

PATH_COLUMNS = {
    "req/s": "throughput.{path}.requests_per_s",
    "p50 ms": "latency.{path}.p50_ms",
    "p90 ms": "latency.{path}.p90_ms",
    "p99 ms": "latency.{path}.p99_ms",
    "p99.9 ms": "latency.{path}.p999_ms",
}
SCHEDULED_COLUMNS = {"response p99 ms": "response.{path}.p99_ms"}
"""Beside latency from when requests were due, when the run kept a schedule (open model)."""
HEADLINE = (
    "throughput.requests_per_s",
    "errors.rate",
    "fanout.deliveries",
    "fanout.lag.p99_s",
    "loadgen.lag.p99_ms",
    "chat.sent",
    "chat.lost",
    "chat.duplicated",
    "live.lost",
    "live.duplicated",
    "payments.calls",
    "payments.double_paid",
    "payments.audit_balanced",
)


def request_paths(result: Result) -> list[str]:
    """Request paths with latency in the result (`timeline_read`, `post`...), sorted."""
    return sorted({name.split(".")[1] for name in result.metrics if name.startswith("latency.")})


def loadtest_table(result: Result) -> Table:
    """One row per request path, and the run's headline numbers in the caption."""
    columns = path_columns(result)
    table = Table("path", *columns, title=f"fanout loadtest {result.scenario.name}")
    for path in request_paths(result):
        table.add_row(path, *(_cell(result, name.format(path=path)) for name in columns.values()))
    headline = [f"{name} = {_cell(result, name)}" for name in HEADLINE if name in result.metrics]
    table.caption = "; ".join(headline)
    return table


def path_columns(result: Result) -> dict[str, str]:
    """Column title -> metric name pattern of the per-path rows."""
    scheduled = any(name.startswith("response.") for name in result.metrics)
    return PATH_COLUMNS | SCHEDULED_COLUMNS if scheduled else PATH_COLUMNS


def _cell(result: Result, name: str) -> str:
    metric = result.metrics.get(name)
    return "-" if metric is None else number(metric.value)


def loadtest_data(outcome: LoadtestOutcome) -> dict[str, Any]:
    """The run directory, every metric's value, and the SLO checks (null when none were set)."""
    return {
        "run_dir": str(outcome.run_dir),
        "passed": outcome.passed,
        "metrics": {name: metric.value for name, metric in outcome.result.metrics.items()},
        "gate": gate_data(outcome.gate) if outcome.gate is not None else None,
        "exceptions": outcome.exceptions,
        "problems": outcome.problems,
    }
