"""`timeseries.csv`: how a run's metrics moved over (simulated or wall-clock) time.

One row per sample; the first column is `t_hours`, every other column one series named like
a metric (`latency.timeline_read.p95_ms`, `users.online`...). Plain CSV so spreadsheets and
pandas read it without fanout.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from outcomes.result import ResultError, Run

TIMESERIES_FILE = "timeseries.csv"
TIME_COLUMN = "t_hours"


@dataclass(frozen=True)
class Timeseries:
    """Sample times and one list of values per named column, all the same length."""

    t_hours: list[float]
    columns: dict[str, list[float]]

    def __post_init__(self) -> None:
        for name, values in self.columns.items():
            if len(values) != len(self.t_hours):
                raise ValueError(
                    f"timeseries column {name!r} has {len(values)} values "
                    f"for {len(self.t_hours)} sample times"
                )


def write_timeseries(run_dir: Path | str, series: Timeseries) -> Path:
    """Write `timeseries.csv` into the run directory; returns its path."""
    file = Path(run_dir) / TIMESERIES_FILE
    file.parent.mkdir(parents=True, exist_ok=True)
    names = list(series.columns)
    with file.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([TIME_COLUMN, *names])
        for i, t in enumerate(series.t_hours):
            writer.writerow([repr(t), *(repr(series.columns[n][i]) for n in names)])
    return file


def read_timeseries(run_dir: Path | str) -> Timeseries | None:
    """The run's timeseries, or None when it wrote none; raises ResultError when malformed."""
    file = Path(run_dir) / TIMESERIES_FILE
    if not file.is_file():
        return None
    with file.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if not rows or not rows[0] or rows[0][0] != TIME_COLUMN:
        raise ResultError(f"{file}: the first column must be {TIME_COLUMN!r}")
    header = rows[0]
    table = [_parse_row(file, line, header, row) for line, row in enumerate(rows[1:], start=2)]
    columns = {name: [row[i] for row in table] for i, name in enumerate(header) if i > 0}
    return Timeseries(t_hours=[row[0] for row in table], columns=columns)


def _parse_row(file: Path, line: int, header: Sequence[str], row: Sequence[str]) -> list[float]:
    if len(row) != len(header):
        raise ResultError(f"{file}, line {line}: {len(row)} values for {len(header)} columns")
    return [_parse_value(file, line, name, text) for name, text in zip(header, row, strict=True)]


def _parse_value(file: Path, line: int, column: str, text: str) -> float:
    """Empty cells are gaps (NaN), which plots skip; anything else must be a number."""
    if text == "":
        return math.nan
    try:
        return float(text)
    except ValueError:
        raise ResultError(
            f"{file}, line {line}, column {column!r}: not a number: {text!r}"
        ) from None


def shared_columns(series: Sequence[Timeseries]) -> list[str]:
    """Columns every given timeseries has, in the first one's order, for overlay plots."""
    if not series:
        return []
    return [c for c in series[0].columns if all(c in ts.columns for ts in series[1:])]


def labelled_timeseries(runs: Sequence[Run]) -> list[tuple[str, Timeseries]]:
    """(label, timeseries) of each run that wrote one, for overlay plots."""
    found = [(run.label, read_timeseries(run.run_dir)) for run in runs]
    return [(label, series) for label, series in found if series is not None]
