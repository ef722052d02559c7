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
