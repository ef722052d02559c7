"""Per-level throughput and mean latency from Locust's history: steps kept, ramps left out."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from loadtests.control.concurrency import concurrency_levels

HEADER = ["Timestamp", "User Count", "Name", "Total Request Count", "Total Average Response Time"]


def write_history(path: Path, rows: list[tuple[int, int, int, float]]) -> Path:
    """Aggregated rows of (second, users, cumulative requests, cumulative mean ms), plus a
    per-path row that must be ignored."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for second, users, requests, mean_ms in rows:
            writer.writerow([second, users, "Aggregated", requests, mean_ms])
            writer.writerow([second, users, "timeline_read", 1, 999.0])
    return path


def test_each_held_user_count_is_a_level_and_the_ramp_is_not(tmp_path: Path) -> None:
    # 2 users: 10 req/s at 5 ms for 2 s; ramp second (2 -> 4) of 15 requests at 6 ms;
    # 4 users: 20 req/s at 8 ms for 2 s.
    rows = [
        (0, 2, 0, 0.0), (1, 2, 10, 5.0), (2, 2, 20, 5.0),
        (3, 4, 35, (20 * 5.0 + 15 * 6.0) / 35),
        (4, 4, 55, (20 * 5.0 + 15 * 6.0 + 20 * 8.0) / 55),
        (5, 4, 75, (20 * 5.0 + 15 * 6.0 + 40 * 8.0) / 75),
    ]  # fmt: skip
    levels = concurrency_levels(write_history(tmp_path / "history.csv", rows), warmup_s=0.0)
    assert [(level.users, level.duration_s, level.requests) for level in levels] == [
        (2, 2.0, 20),
        (4, 2.0, 40),
    ]
    assert [level.requests_per_s for level in levels] == pytest.approx([10.0, 20.0])
    assert [level.mean_ms for level in levels] == pytest.approx([5.0, 8.0])


def test_intervals_starting_within_the_warm_up_belong_to_no_level(tmp_path: Path) -> None:
    # 2 users: a slow first second (10 requests at 50 ms), then 20 req/s at 5 ms.
    rows = [(0, 2, 0, 0.0), (1, 2, 10, 50.0), (2, 2, 30, (500 + 100) / 30), (3, 2, 50, 700 / 50)]
    levels = concurrency_levels(write_history(tmp_path / "history.csv", rows), warmup_s=1.0)
    assert [(level.users, level.duration_s, level.requests) for level in levels] == [(2, 2.0, 40)]
    assert levels[0].mean_ms == pytest.approx(5.0)


def test_no_history_has_no_levels(tmp_path: Path) -> None:
    assert concurrency_levels(tmp_path / "missing.csv", warmup_s=0.0) == []
