"""Locust's statistics history as progress lines and as the run's timeseries."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from loadtests.control.history import aggregated_rows, history_timeseries, progress_line

HEADER = (
    "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,"
    "99.9%,99.99%,100%,Total Request Count,Total Failure Count"
)
ROWS = [
    "1000,0,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,0,0",
    "1001,5,GET,timeline_read,3.0,0.0,9,9,9,9,9,9,9,9,9,9,9,3,0",
    "1001,5,,Aggregated,3.0,0.5,9,10,11,12,13,14,15,16,17,18,19,3,0",
    "1010,20,,Aggregated,40.5,0.0,8,10,11,12,13,84,15,90,17,18,19,300,0",
]


def history(tmp_path: Path) -> Path:
    file = tmp_path / "locust_stats_history.csv"
    file.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    return file


def test_only_aggregated_rows_are_read_and_missing_values_are_gaps(tmp_path: Path) -> None:
    rows = aggregated_rows(history(tmp_path))
    assert [row.timestamp for row in rows] == [1000.0, 1001.0, 1010.0]
    assert math.isnan(rows[0].values["latency.all.p95_ms"])
    assert aggregated_rows(tmp_path / "not-yet.csv") == []


def test_the_timeseries_counts_hours_from_the_first_row(tmp_path: Path) -> None:
    series = history_timeseries(aggregated_rows(history(tmp_path)))
    assert series is not None
    assert series.t_hours == pytest.approx([0.0, 1 / 3600, 10 / 3600])
    assert series.columns["users.concurrent"] == [0.0, 5.0, 20.0]
    assert series.columns["latency.all.p99_ms"][1:] == [16.0, 90.0]
    assert history_timeseries([]) is None


def test_the_progress_line_describes_the_latest_row(tmp_path: Path) -> None:
    line = progress_line(aggregated_rows(history(tmp_path)))
    assert line == "t=10s users=20 req/s=40.5 fail/s=0.0 p95=84ms"
    assert progress_line([]) is None
