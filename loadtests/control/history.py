"""Locust's per-second statistics history: progress lines while running, timeseries.csv after.

Locust writes `locust_stats_history.csv` (with `--csv-full-history`) once a second; its
`Aggregated` rows carry the user count, the current request and failure rates and Locust's
windowed, rounded percentiles. Those are good enough to watch a run and to plot it; the
exact percentiles of the summary come from the HDR histograms instead.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from outcomes.timeseries import Timeseries

AGGREGATED = "Aggregated"
SECONDS_PER_HOUR = 3600.0
COLUMNS = {
    "users.concurrent": "User Count",
    "throughput.requests_per_s": "Requests/s",
    "errors.per_s": "Failures/s",
    "latency.all.p50_ms": "50%",
    "latency.all.p95_ms": "95%",
    "latency.all.p99_ms": "99%",
}
"""timeseries.csv column -> Locust history column."""


@dataclass(frozen=True)
class HistoryRow:
    timestamp: float
    values: dict[str, float]
    """By timeseries column name; NaN where Locust had no value yet ("N/A")."""


def aggregated_rows(history_csv: Path) -> list[HistoryRow]:
    """The `Aggregated` rows written so far (none if the file does not exist yet)."""
    if not history_csv.is_file():
        return []
    with history_csv.open(newline="", encoding="utf-8") as handle:
        return [_row(raw) for raw in csv.DictReader(handle) if raw.get("Name") == AGGREGATED]


def _row(raw: dict[str, str]) -> HistoryRow:
    values = {column: _number(raw.get(source, "")) for column, source in COLUMNS.items()}
    return HistoryRow(float(raw["Timestamp"]), values)


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


def history_timeseries(rows: list[HistoryRow]) -> Timeseries | None:
    """The rows as a Timeseries with hours since the first row; None without rows."""
    if not rows:
        return None
    start = rows[0].timestamp
    return Timeseries(
        t_hours=[(row.timestamp - start) / SECONDS_PER_HOUR for row in rows],
        columns={column: [row.values[column] for row in rows] for column in COLUMNS},
    )


def progress_line(rows: list[HistoryRow]) -> str | None:
    """One line on the latest row, e.g. `t=12s users=20 req/s=35.2 fail/s=0.0 p95=84ms`."""
    if not rows:
        return None
    latest, values = rows[-1], rows[-1].values
    p95 = values["latency.all.p95_ms"]
    return (
        f"t={latest.timestamp - rows[0].timestamp:.0f}s "
        f"users={values['users.concurrent']:.0f} "
        f"req/s={values['throughput.requests_per_s']:.1f} "
        f"fail/s={values['errors.per_s']:.1f} "
        f"p95={'-' if math.isnan(p95) else f'{p95:.0f}ms'}"
    )
