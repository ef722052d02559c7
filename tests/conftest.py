"""Suite-wide pytest hooks."""

from __future__ import annotations

import os

import pytest


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker more than the cores. About a third of the suite's time is
    spent waiting (on servers it started, Locust runs of fixed length, subprocesses and
    sockets), so a worker per core leaves the cores idle that long: on 2 cores the suite
    took 781 s with 2 workers (1.2 cores busy) and 606 s with 3 (2026-12-07, `03dd802`)."""
    return (os.cpu_count() or 1) + 1
