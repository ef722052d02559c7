"""The simulator's own speed: actions per second, peak memory and wall time per scenario,
with bare SimPy timeout events per second as the reference measured in the same repeat.

Each scenario file runs as a user runs it, `fanout run SCENARIO --json` in a child process
started through benchmarks.peak_rss (so the peak RSS is that one run's, from a fresh
interpreter): `wall_s` is the whole command (start-up, population, seeding, running,
writing the run directory), `cpu_s` its user + system CPU time, and `actions_per_s` the
simulator's own figure from the Result's `environment.simulator` (actions over running
time, seeding excluded). The files run as they are, so every activity they switch on is
measured: numbers move when activities are added, and the ratio to bare SimPy says how
much of the kernel's speed the model keeps.
Quick runs ci-smoke only (2 k users, six hours, every mechanism at its default), which fits
the quick suite's budget in CI; full runs bench-100k, bench-1m (1 M users, one simulated
day) and baseline (the README's main job, whose target is under 30 s), once each: a
bench-1m day takes the better part of an hour here, and the CPU seconds reported next to
the wall time say how busy the machine was.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from benchmarks.peak_rss import Usage, read_usage
from benchmarks.report import PROJECT_ROOT
from benchmarks.runner import Benchmark, Measured, Ratio, Repeat
from loadtests.control.server import python_env

SCENARIOS = PROJECT_ROOT / "scenarios"
QUICK = ("ci-smoke",)
FULL = ("bench-100k", "bench-1m", "baseline")
NAMES = (*FULL, *QUICK)
SIMPY_TIMEOUTS = 1_000_000
"""Timeouts the reference loop times: about a second, long enough to average out jitter."""
STDERR_TAIL = 2000
"""Characters of a failed child's standard error kept in the crash report."""


def run_scenario(scenario: Path, out: Path) -> dict[str, float]:
    """`fanout run` of one scenario file in a measured child: its speed and footprint."""
    usage, simulator = measured_run(scenario, out)
    return {
        "actions_per_s": float(simulator["actions_per_s"]),
        "peak_rss_mib": usage.peak_rss_mib,
        "wall_s": usage.wall_s,
        "cpu_s": usage.cpu_s,
    }


def measured_run(scenario: Path, out: Path, *args: str) -> tuple[Usage, dict[str, Any]]:
    """`fanout run SCENARIO ARGS` in a measured child: its usage and the Result's
    `environment.simulator` (sizes, running time, actions, messages, actions/s)."""
    usage_file = out.with_suffix(".usage.json")
    command = [
        sys.executable, "-m", "benchmarks.peak_rss", str(usage_file), "--",
        sys.executable, str(PROJECT_ROOT / "cli.py"), "run", str(scenario),
        "--json", "--quiet", "--out", str(out), *args,
    ]  # fmt: skip
    summary = _child_output(command)
    simulator: dict[str, Any] = orjson.loads(summary)["environment"]["simulator"]
    return read_usage(usage_file), simulator


def simpy_timeouts_per_s(count: int) -> float:
    """The reference, in a fresh interpreter like the runs it is compared with."""
    command = [sys.executable, "-m", "benchmarks.simpy_loop", str(count)]
    return float(_child_output(command))


def _child_output(command: list[str]) -> bytes:
    done = subprocess.run(
        command, cwd=PROJECT_ROOT, env=python_env(), capture_output=True, check=False
    )
    if done.returncode != 0:
        stderr = done.stderr.decode(errors="replace")[-STDERR_TAIL:]
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}:\n{stderr}")
    return done.stdout


def unmeasured(names: tuple[str, ...], full: tuple[str, ...]) -> tuple[str, ...]:
    """The note for the full suite's scenario files a quick repeat leaves out."""
    missing = [name for name in full if name not in names]
    return (f"{', '.join(missing)}: full suite only (no --quick)",) if missing else ()


@contextmanager
def prepare(quick: bool) -> Iterator[Repeat]:
    names = QUICK if quick else FULL
    with tempfile.TemporaryDirectory(prefix="fanout-bench-sim-") as tmp:
        runs = itertools.count()

        def repeat() -> Measured:
            values = {"reference.simpy_timeouts_per_s": simpy_timeouts_per_s(SIMPY_TIMEOUTS)}
            for name in names:
                out = Path(tmp) / f"{name}-{next(runs)}"
                for key, value in run_scenario(SCENARIOS / f"{name}.yaml", out).items():
                    values[f"{name}.{key}"] = value
            return Measured(values, unmeasured(names, FULL))

        yield repeat


BENCHMARK = Benchmark(
    name="simulator",
    description="fanout run per scenario file: actions/s, peak RSS, wall time; vs bare SimPy",
    prepare=prepare,
    units={
        "reference.simpy_timeouts_per_s": "events/s",
        **{f"{n}.actions_per_s": "actions/s" for n in NAMES},
        **{f"{n}.peak_rss_mib": "MiB" for n in NAMES},
        **{f"{n}.wall_s": "s" for n in NAMES},
        **{f"{n}.cpu_s": "CPU s" for n in NAMES},
    },
    ratios={
        f"ratio.{n}.actions_vs_simpy_timeouts": Ratio(
            f"{n}.actions_per_s", "reference.simpy_timeouts_per_s"
        )
        for n in NAMES
    },
    repeats=1,
    quick_repeats=2,
)
