"""The simulator benchmark's measurements: each run's own memory, and what a run reports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.peak_rss import read_usage
from benchmarks.simulator import run_scenario, simpy_timeouts_per_s
from loadtests.control.server import python_env

MIB = 1024 * 1024


def measured(tmp_path: Path, code: str) -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-m", "benchmarks.peak_rss", str(tmp_path / "usage.json"), "--"]
    return subprocess.run([*command, sys.executable, "-c", code], env=python_env(), check=False)


def test_peak_rss_is_the_commands_own_not_its_parents(tmp_path: Path) -> None:
    """A 64 MiB command measured from a process holding 256 MiB reports about 64 MiB:
    the launcher keeps the parent's size out of the child's high-water mark."""
    parent_ballast = b"\x01" * (256 * MIB)
    done = measured(tmp_path, f"held = b'\\x01' * {64 * MIB}")
    usage = read_usage(tmp_path / "usage.json")
    assert done.returncode == usage.exit_code == 0
    assert 64 <= usage.peak_rss_mib < 160 and usage.wall_s > 0 and usage.cpu_s > 0
    assert len(parent_ballast) == 256 * MIB


def test_the_commands_exit_code_is_passed_on(tmp_path: Path) -> None:
    done = measured(tmp_path, "raise SystemExit(3)")
    assert done.returncode == read_usage(tmp_path / "usage.json").exit_code == 3


def test_a_scenario_run_reports_actions_memory_and_wall_time(tmp_path: Path) -> None:
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(
        "name: tiny\nduration_days: 0.05\npopulation:\n  users: 300\n  groups:\n    count: 3\n"
    )
    numbers = run_scenario(scenario, tmp_path / "run")
    assert set(numbers) == {"actions_per_s", "peak_rss_mib", "wall_s", "cpu_s"}
    assert all(value > 0 for value in numbers.values())
    assert (tmp_path / "run" / "summary.json").is_file()
    assert simpy_timeouts_per_s(1000) > 0


def test_a_failing_scenario_crashes_the_benchmark_with_the_cli_message(tmp_path: Path) -> None:
    scenario = tmp_path / "bad.yaml"
    scenario.write_text("name: bad\npopulation:\n  users: -5\n")
    with pytest.raises(RuntimeError, match=r"exited 2:[\s\S]*users"):
        run_scenario(scenario, tmp_path / "run")
