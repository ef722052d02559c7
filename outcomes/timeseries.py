"""`timeseries.csv`: how a run's metrics moved over (simulated or wall-clock) time.

One row per sample; the first column is `t_hours`, every other column one series named like
a metric (`latency.timeline_read.p95_ms`, `users.online`...). Over replications a series may
carry its row-by-row 95 % interval as two more columns, `<name>.ci_lo` and `<name>.ci_hi`
(the names `sweep.csv` and `compare --format csv` use), which charts draw as a band. Plain
CSV so spreadsheets and pandas read it without fanout.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from outcomes.formatting import csv_columns
from outcomes.result import ResultError, Run

TIMESERIES_FILE = "timeseries.csv"
TIME_COLUMN = "t_hours"
Band = tuple[list[float], list[float]]
"""Row-by-row lower and upper bounds of a column's 95 % interval."""


@dataclass(frozen=True)
class Timeseries:
    """Sample times and one list of values per named column, all the same length."""

    t_hours: list[float]
    columns: dict[str, list[float]]
    bands: dict[str, Band] = field(default_factory=dict)
    """Intervals of the columns that have one (over replications)."""

    def __post_init__(self) -> None:
        for name, values in self._all_series():
            if len(values) != len(self.t_hours):
                raise ValueError(
                    f"timeseries column {name!r} has {len(values)} values "
                    f"for {len(self.t_hours)} sample times"
                )
        unknown = set(self.bands) - set(self.columns)
        if unknown:
            raise ValueError(f"timeseries bands for no column: {', '.join(sorted(unknown))}")

    def band(self, column: str, row: int) -> tuple[float, float] | None:
        """The column's interval at a row; None without one (or where it is a gap)."""
        if column not in self.bands:
            return None
        lo, hi = (bound[row] for bound in self.bands[column])
        return None if math.isnan(lo) or math.isnan(hi) else (lo, hi)

    def _all_series(self) -> list[tuple[str, list[float]]]:
        bounds = [(f"{n} band", b) for n, band in self.bands.items() for b in band]
        return [*self.columns.items(), *bounds]

    def csv_table(self) -> dict[str, list[float]]:
        """Every CSV column after the time: each series, followed by its band if it has one."""
        table: dict[str, list[float]] = {}
        for name, values in self.columns.items():
            band = self.bands.get(name)
            headers = csv_columns(name) if band else [name]
            table.update(zip(headers, [values, *(band or ())], strict=True))
        return table


def write_timeseries(run_dir: Path | str, series: Timeseries) -> Path:
    """Write `timeseries.csv` into the run directory; returns its path."""
    file = Path(run_dir) / TIMESERIES_FILE
    file.parent.mkdir(parents=True, exist_ok=True)
    table = series.csv_table()
    with file.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([TIME_COLUMN, *table])
        for i, t in enumerate(series.t_hours):
            writer.writerow([repr(t), *(repr(values[i]) for values in table.values())])
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
    return _with_bands([row[0] for row in table], columns)


def _with_bands(t_hours: list[float], read: dict[str, list[float]]) -> Timeseries:
    """Split `<name>.ci_lo`/`.ci_hi` column pairs off into their series' bands."""
    bands: dict[str, Band] = {}
    for name in read:
        _, lo, hi = csv_columns(name)
        if lo in read and hi in read:
            bands[name] = (read[lo], read[hi])
    bounds = {c for name in bands for c in csv_columns(name)[1:]}
    columns = {name: values for name, values in read.items() if name not in bounds}
    return Timeseries(t_hours=t_hours, columns=columns, bands=bands)


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
