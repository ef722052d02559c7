"""Run Locust as a child process: headless or with its web UI, one process or a master + workers.

Locust runs under gevent, which monkey-patches the interpreter it is imported into, so it
always gets a process (group) of its own: `python -m locust` on loadtests/generator/locustfile.py.
Its CSV files, HTML report and log go to `results/<run>/locust/`. While it runs, a progress
line is reported every few seconds from its statistics history. It is stopped (SIGINT,
then SIGKILL for the whole group, forked workers included) when the run overstays its
planned time by a grace period, or when this process is interrupted; what it measured
until then is kept.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from loadtests.control.history import aggregated_rows, progress_line
from loadtests.control.server import (
    LOOPBACK,
    POLL_INTERVAL_S,
    free_port,
    has_exited,
    python_env,
    stop_process_group,
)
from loadtests.records.plan import PLAN_ENV

LOCUSTFILE = Path(__file__).parents[1] / "generator" / "locustfile.py"
CSV_PREFIX = "locust"
HISTORY_CSV = f"{CSV_PREFIX}_stats_history.csv"
HTML_REPORT = "report.html"
LOG_FILE = "locust.log"
PROGRESS_INTERVAL_S = 5.0
GRACE_S = 60.0
"""Time allowed beyond the planned run for start-up, ramp-down and reports, before a kill."""
UI_LINGER_S = 60.0
"""With --ui, how long the web UI stays up after the test ends (Locust's --autoquit)."""
STOP_TIMEOUT_S = 15.0
"""Time Locust gets after SIGINT to write its reports before its group is killed."""
STOP_SIGNAL = signal.SIGINT
"""Locust stops gracefully on SIGINT in every mode; a headless run with a load shape (as all
of ours are) installs its SIGTERM handler only after the shape has finished."""

Progress = Callable[[str], None]


class LocustError(RuntimeError):
    """Locust stopped without producing measurements; the message quotes its log."""


@dataclass(frozen=True)
class LocustRun:
    """One Locust invocation against `base_url`."""

    base_url: str
    plan_file: Path
    locust_dir: Path
    user_classes: tuple[str, ...]
    processes: int
    run_time_s: float
    ui: bool = False

    @property
    def deadline_s(self) -> float:
        return self.run_time_s + GRACE_S + (UI_LINGER_S if self.ui else 0.0)


def locust_command(run: LocustRun, web_port: int, master_port: int) -> list[str]:
    """The command line: reports into `locust_dir`, and only loopback sockets of its own."""
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--host", run.base_url,
        "--csv", str(run.locust_dir / CSV_PREFIX), "--csv-full-history",
        "--html", str(run.locust_dir / HTML_REPORT), "--logfile", str(run.locust_dir / LOG_FILE),
        "--exit-code-on-error", "0",
    ]  # fmt: skip
    if run.ui:
        command += ["--web-host", LOOPBACK, "--web-port", str(web_port)]
        command += ["--autostart", "--autoquit", str(int(UI_LINGER_S))]
    else:
        command += ["--headless", "--only-summary"]
    if run.processes > 1:
        command += ["--processes", str(run.processes), "--master-bind-host", LOOPBACK]
        command += ["--master-bind-port", str(master_port), "--master-port", str(master_port)]
    return [*command, *run.user_classes]


def run_locust(run: LocustRun, progress: Progress) -> bool:
    """Run Locust to the end of its plan, reporting progress; stop it if it overstays.

    Returns False when Ctrl-C cut the run short: Locust is stopped, and what it measured
    until then is kept.
    """
    web_port = free_port()
    command = locust_command(run, web_port, free_port())
    if run.ui:
        progress(f"Locust web UI: http://{LOOPBACK}:{web_port}")
    with (run.locust_dir / "stdout.log").open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=run.locust_dir,
            env=python_env(**{PLAN_ENV: str(run.plan_file)}),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _follow(process, run, progress)
        return True
    except KeyboardInterrupt:
        progress("interrupted: stopping Locust, keeping what it measured (Ctrl-C again to abort)")
        return False
    finally:
        stop_process_group(process, STOP_TIMEOUT_S, STOP_SIGNAL)


def _follow(process: subprocess.Popen[bytes], run: LocustRun, progress: Progress) -> None:
    """Wait for Locust to exit (without reaping it), reporting progress, up to its deadline."""
    history = run.locust_dir / HISTORY_CSV
    started = time.monotonic()
    reported = started
    while not has_exited(process.pid):
        now = time.monotonic()
        if now - started > run.deadline_s:
            progress(f"Locust overstayed its {run.deadline_s:g} s; stopping it")
            return
        if now - reported >= PROGRESS_INTERVAL_S:
            reported = now
            line = progress_line(aggregated_rows(history))
            if line:
                progress(line)
        time.sleep(POLL_INTERVAL_S)


def log_tail(locust_dir: Path, chars: int = 2000) -> str:
    """The end of Locust's log and output, to explain a failed run."""
    texts = [(locust_dir / name) for name in (LOG_FILE, "stdout.log")]
    joined = "\n".join(t.read_text(errors="replace") for t in texts if t.is_file())
    return joined[-chars:]
