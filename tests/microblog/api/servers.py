"""Real server processes for tests: `fanout serve` in a subprocess, always stopped after.

Each runs in its own process group on a free loopback port, so a test may SIGKILL one
(workers included) and the fixture still stops whatever is left.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

from loadtests.control.server import free_port, has_exited, python_env, stop_process_group

STARTUP_TIMEOUT_S = 60.0
"""Longest wait for /healthz (several processes import and open the store on 2 cores)."""
OPERATOR = "operator-secret"


@dataclass(frozen=True)
class Server:
    base_url: str
    process: subprocess.Popen[bytes]

    def kill(self) -> None:
        """SIGKILL the server's whole process group: no shutdown, no goodbye."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def http_workers(self) -> list[psutil.Process]:
        """The uvicorn processes answering HTTP under `--workers N`: the children
        multiprocessing spawned, not the fan-out workers nor its resource tracker."""
        children = psutil.Process(self.process.pid).children()
        return [c for c in children if _is_http_worker(c.cmdline())]


def _is_http_worker(cmdline: list[str]) -> bool:
    command = " ".join(cmdline)
    return "spawn_main" in command and "resource_tracker" not in command


@contextmanager
def fanout_serve(
    store: str,
    cache: str,
    cache_prefix: str,
    log: Path,
    workers: int = 1,
    fanout_workers: int = 0,
) -> Iterator[Server]:
    """`fanout serve` on a free port of 127.0.0.1 with this store and Redis tier, its rate
    limits off (these tests count deliveries and losses, not refusals)."""
    port = free_port()
    command = [
        sys.executable, "-m", "cli", "serve", "--port", str(port), "--store", store,
        "--cache", cache, "--workers", str(workers), "--fanout-workers", str(fanout_workers),
        "--operator-token", OPERATOR, "--no-rate-limits",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            env=python_env(FANOUT_CACHE_PREFIX=cache_prefix),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        server = Server(f"http://127.0.0.1:{port}", process)
        _wait_until_healthy(server, log)
        yield server
    finally:
        stop_process_group(process, timeout_s=10.0)


def _wait_until_healthy(server: Server, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        assert not has_exited(server.process.pid), f"server exited:\n{log.read_text()[-2000:]}"
        try:
            if httpx.get(f"{server.base_url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"server did not answer /healthz:\n{log.read_text()[-2000:]}")
