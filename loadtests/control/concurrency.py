"""Throughput and mean latency per concurrency level, from Locust's per-second history.

A stepped load (`loadtest.shape: steps`) holds each user count for a while; the USL fit
of `fanout calibrate` needs the throughput at each. Locust's `Aggregated` history rows
carry the user count and the cumulative request count and mean response time, so the
requests completed and their summed latency between two consecutive rows are exact
differences. Only intervals whose both ends have the same user count are kept: the ramp
between steps belongs to no level; nor do intervals starting within the warm-up
(loadtest.warmup_s), counted from the first row, which Locust writes as the test starts.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel

from loadtests.control.history import AGGREGATED


class ConcurrencyLevel(BaseModel):
    """What the test measured while `users` users ran."""

    users: int
    duration_s: float
    requests: int
    requests_per_s: float
    mean_ms: float


def concurrency_levels(history_csv: Path, warmup_s: float) -> list[ConcurrencyLevel]:
    """One level per user count held for at least one history interval after the warm-up."""
    rows = _aggregated(history_csv)
    totals: defaultdict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    measured_from = float(rows[0]["Timestamp"]) + warmup_s if rows else 0.0
    for before, after in zip(rows, rows[1:], strict=False):
        users = int(after["User Count"])
        held = users != 0 and users == int(before["User Count"])
        if not held or float(before["Timestamp"]) < measured_from:
            continue
        level = totals[users]
        level[0] += float(after["Timestamp"]) - float(before["Timestamp"])
        level[1] += _requests(after) - _requests(before)
        level[2] += _latency_sum(after) - _latency_sum(before)
    return [
        ConcurrencyLevel(
            users=users,
            duration_s=seconds,
            requests=round(requests),
            requests_per_s=requests / seconds,
            mean_ms=latency / requests if requests else float("nan"),
        )
        for users, (seconds, requests, latency) in sorted(totals.items())
        if seconds > 0
    ]


def _aggregated(history_csv: Path) -> list[dict[str, str]]:
    if not history_csv.is_file():
        return []
    with history_csv.open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row.get("Name") == AGGREGATED]


def _requests(row: dict[str, str]) -> float:
    return float(row["Total Request Count"])


def _latency_sum(row: dict[str, str]) -> float:
    return _requests(row) * float(row["Total Average Response Time"])
