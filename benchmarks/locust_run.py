"""One bounded headless Locust run against a loopback server: requests/s and p99 latency.

Locust monkey-patches the interpreter it runs in, so it gets a process group of its own (and
this module must never import it or benchmarks.locust_users),
stopped (SIGINT, then SIGKILL) if it overstays its run time by `GRACE_S`.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from loadtests.control.runner import STOP_SIGNAL, STOP_TIMEOUT_S
from loadtests.control.server import POLL_INTERVAL_S, has_exited, python_env, stop_process_group

PEOPLE_ENV = "FANOUT_BENCH_PEOPLE"
"""Names the JSON file of seeded accounts the Locust users act as (see locust_users)."""
LOCUSTFILE = Path(__file__).with_name("locust_users.py")
GRACE_S = 30.0
"""Time allowed beyond the run for start-up and reports before Locust is stopped."""


@dataclass(frozen=True)
class Load:
    """What Locust runs: a user class, how many of them, for how long."""

    user_class: str
    users: int
    run_time_s: float


@dataclass(frozen=True)
class Throughput:
    requests_per_s: float
    p99_ms: float
    failures: int


def run_locust(base_url: str, load: Load, env: dict[str, str]) -> Throughput:
    """Run `load` against `base_url` with Locust; the aggregate of its stats CSV."""
    with tempfile.TemporaryDirectory(prefix="fanout-bench-locust-") as tmp:
        command = [
            sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary",
            "--host", base_url, "-u", str(load.users), "-r", str(load.users),
            "-t", f"{load.run_time_s:g}s", "--csv", f"{tmp}/locust", "--exit-code-on-error", "0",
            load.user_class,
        ]  # fmt: skip
        process = subprocess.Popen(
            command, cwd=tmp, env=python_env(**env), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        try:
            _wait(process, load.run_time_s + GRACE_S)
        finally:
            stop_process_group(process, STOP_TIMEOUT_S, STOP_SIGNAL)
        return _aggregate(Path(tmp) / "locust_stats.csv")


def _wait(process: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not has_exited(process.pid) and time.monotonic() < deadline:
        time.sleep(POLL_INTERVAL_S)


def _aggregate(stats_csv: Path) -> Throughput:
    if not stats_csv.is_file():
        raise RuntimeError(f"Locust wrote no statistics ({stats_csv.name} missing)")
    with stats_csv.open(newline="") as file:
        row = next(r for r in csv.DictReader(file) if r["Name"] == "Aggregated")
    if int(row["Request Count"]) == 0:  # its percentiles are "N/A"
        raise RuntimeError("Locust recorded no requests (did the users fail to start?)")
    return Throughput(float(row["Requests/s"]), float(row["99%"]), int(row["Failure Count"]))
