"""timeseries.csv: round trip, gaps, and errors that name the file, line and column."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from outcomes.result import ResultError
from outcomes.timeseries import (
    TIMESERIES_FILE,
    Timeseries,
    read_timeseries,
    shared_columns,
    write_timeseries,
)


def test_timeseries_round_trips_through_csv(tmp_path: Path) -> None:
    series = Timeseries(t_hours=[0.0, 0.5, 1.0], columns={"users.online": [10.0, 12.5, 9.0]})
    write_timeseries(tmp_path, series)
    assert read_timeseries(tmp_path) == series


def test_a_run_without_timeseries_reads_as_none(tmp_path: Path) -> None:
    assert read_timeseries(tmp_path) is None


def test_empty_cells_are_gaps(tmp_path: Path) -> None:
    (tmp_path / TIMESERIES_FILE).write_text("t_hours,a\n0,1\n1,\n", encoding="utf-8")
    series = read_timeseries(tmp_path)
    assert series is not None
    assert math.isnan(series.columns["a"][1])


def test_a_non_number_is_named_by_file_line_and_column(tmp_path: Path) -> None:
    (tmp_path / TIMESERIES_FILE).write_text("t_hours,a\n0,1\n1,oops\n", encoding="utf-8")
    with pytest.raises(ResultError, match=r"line 3, column 'a': not a number: 'oops'"):
        read_timeseries(tmp_path)


def test_the_first_column_must_be_time(tmp_path: Path) -> None:
    (tmp_path / TIMESERIES_FILE).write_text("time,a\n0,1\n", encoding="utf-8")
    with pytest.raises(ResultError, match="first column must be 't_hours'"):
        read_timeseries(tmp_path)


def test_columns_must_match_the_sample_times() -> None:
    with pytest.raises(ValueError, match="'a' has 1 values for 2 sample times"):
        Timeseries(t_hours=[0.0, 1.0], columns={"a": [1.0]})


def test_shared_columns_keep_the_first_runs_order() -> None:
    a = Timeseries([0.0], {"x": [1.0], "y": [1.0], "z": [1.0]})
    b = Timeseries([0.0], {"z": [1.0], "x": [1.0]})
    assert shared_columns([a, b]) == ["x", "z"]


def test_intervals_round_trip_as_ci_columns_beside_their_series(tmp_path: Path) -> None:
    band = ([0.5, float("nan")], [1.5, float("nan")])
    series = Timeseries([0.0, 1.0], {"a": [1.0, 2.0], "b": [3.0, 4.0]}, {"a": band})
    write_timeseries(tmp_path, series)
    header = (tmp_path / "timeseries.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "t_hours,a,a.ci_lo,a.ci_hi,b"
    read = read_timeseries(tmp_path)
    assert read is not None
    assert list(read.columns) == ["a", "b"]
    assert read.band("a", 0) == (0.5, 1.5)
    assert read.band("a", 1) is None  # a gap
    assert read.band("b", 0) is None
