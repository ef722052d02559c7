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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files holding a slow test run first, each file's tests in their own order.

    xdist hands whole files to workers (`--dist loadfile`) in this order (with
    `--no-loadscope-reorder`; by default it would put the files with most tests first, and
    the slowest files here hold few tests: the seed scenarios two of ~70 s each). A slow
    file started last holds the run up while the other workers sit idle; started first,
    the many quick files fill in around it (longest first, as a scheduler should).
    """
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)
