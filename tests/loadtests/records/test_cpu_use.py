"""The load generator's CPU record: samples add up across processes into a mean and a peak."""

from __future__ import annotations

import pytest

from loadtests.control.results import cpu_metrics
from loadtests.records.cpu_use import CpuUse


def test_samples_of_two_processes_merge_into_their_mean_and_highest() -> None:
    worker, other = CpuUse(), CpuUse()
    for percent in (20.0, 40.0):
        worker.record(percent)
    other.record(90.0)
    master = CpuUse()
    master.merge(worker.take())
    master.merge(other)
    assert worker.samples == 0 and worker.mean_pct is None  # taken: the next report starts afresh
    assert master.samples == 3
    assert master.mean_pct == pytest.approx(50.0)
    assert master.max_pct == 90.0


def test_a_run_sampled_reports_its_cpu_and_one_never_sampled_reports_none() -> None:
    sampled = CpuUse()
    sampled.record(12.5)
    metrics = cpu_metrics(sampled)
    assert metrics["loadgen.cpu.mean_pct"].value == 12.5
    assert metrics["loadgen.cpu.max_pct"].unit == "%"
    assert cpu_metrics(CpuUse()) == {}
