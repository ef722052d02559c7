"""One bounded wrk run against a loopback server: requests/s, p99 latency and errors.

wrk (a C load generator, Debian: `apt-get install wrk`) keeps 20 connections busy from one
thread at a small fraction of the CPU a Python generator needs, so what it measures is the
server. Requests that need a bearer token or a body are made by the Lua scripts in
`benchmarks/wrk/` (wrk's `request()` hook), given their arguments after `--`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPTS = Path(__file__).with_name("wrk")
"""The Lua scripts: authorized_get.lua, chat_send.lua, gift.lua (and their people.lua)."""
THREADS = 1
"""One wrk thread (as in issue 19's measurements): on 2 cores it leaves the rest to servers."""
CONNECTIONS = 20
"""Connections kept busy: enough to saturate one server process (issue 19's `-c20`)."""
GRACE_S = 30.0
"""Time allowed beyond the run for wrk to connect and report before it is abandoned."""
_REQUESTS = re.compile(r"^\s*(\d+) requests in ", re.MULTILINE)
_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_P99 = re.compile(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_MS_PER = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


@dataclass(frozen=True)
class WrkResult:
    requests: int
    """Responses received (requests still unanswered when the run ended are not counted)."""
    requests_per_s: float
    p99_ms: float
    refused: int
    """Responses outside 2xx/3xx: the server said no, so the run measured the wrong thing."""
    socket_errors: int
    """Connections that failed, timed out or were cut."""


@dataclass(frozen=True)
class WrkLoad:
    """What wrk sends: a URL, a Lua script of `SCRIPTS` (None: a plain GET) and its arguments."""

    url: str
    script: str | None = None
    script_args: tuple[str, ...] = ()


def wrk_executable() -> str | None:
    """wrk on the PATH, or None when it is not installed."""
    return shutil.which("wrk")


def run_wrk(
    wrk: str, load: WrkLoad, run_time_s: float, connections: int = CONNECTIONS
) -> WrkResult:
    """Run wrk with latency statistics for `run_time_s` and read its report."""
    command = [
        wrk,
        "-t",
        str(THREADS),
        "-c",
        str(connections),
        "-d",
        f"{run_time_s:g}s",
        "--latency",
    ]
    if load.script is not None:
        command += ["-s", str(SCRIPTS / load.script)]
    command += [load.url, *(["--", *load.script_args] if load.script_args else [])]
    done = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=run_time_s + GRACE_S
    )
    return parse_report(done.stdout)


def parse_report(report: str) -> WrkResult:
    """wrk's text report (with `--latency`) as numbers; RuntimeError when it has none."""
    requests, rate, p99 = _REQUESTS.search(report), _RATE.search(report), _P99.search(report)
    if requests is None or rate is None or p99 is None:
        raise RuntimeError(f"wrk printed no request count, rate or 99% latency:\n{report[-500:]}")
    refused = _NON_2XX.search(report)
    socket_errors = _SOCKET_ERRORS.search(report)
    return WrkResult(
        requests=int(requests.group(1)),
        requests_per_s=float(rate.group(1)),
        p99_ms=float(p99.group(1)) * _MS_PER[p99.group(2)],
        refused=int(refused.group(1)) if refused else 0,
        socket_errors=sum(map(int, socket_errors.groups())) if socket_errors else 0,
    )
