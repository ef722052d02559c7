"""Fan-out worker processes started beside a server, and always stopped with it.

`fanout serve --fanout-workers N` (and a load test's production-shaped server) with a Redis
cache tier runs N `fanout fanout-worker` processes for as long as it serves. Each is told
the starting process's pid and stops by itself if that process disappears (even
SIGKILLed), so no worker outlives what started it; a normal stop sends SIGTERM, waits for
the current chunk to finish, and kills what is still running.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import IO

from microblog.fanout import delivered_by_worker_processes
from microblog.store import open_store

STOP_GRACE_S = 10.0
"""Wait for workers to finish their current chunk after SIGTERM before killing them
(assumption: a chunk is one transaction of `fanout_chunk` rows, well under a second)."""

Processes = list[subprocess.Popen[bytes]]


def worker_command() -> list[str]:
    """This installation's `fanout fanout-worker`, told to stop when this process is gone."""
    return [sys.executable, "-m", "cli", "fanout-worker", "--parent-pid", str(os.getpid())]


@contextmanager
def fanout_worker_processes(
    store: str, cache: str, count: int, env: Mapping[str, str], output: IO[bytes] | None = None
) -> Iterator[Processes]:
    """`count` worker processes for the block when the platform's fan-out goes through
    Redis (none otherwise), configured by the FANOUT_* variables in `env`; their output
    goes to `output` (default: this process's)."""
    if not (count and delivered_by_worker_processes(store, cache)):
        yield []
        return
    open_store(store).close()  # creates the schema once, so the workers do not race to
    started: Processes = []
    try:
        for _ in range(count):
            started.append(
                subprocess.Popen(
                    worker_command(),
                    env={**os.environ, **env},
                    stdin=subprocess.DEVNULL,
                    stdout=output,
                    stderr=output,
                )
            )
        yield started
    finally:
        stop_processes(started, STOP_GRACE_S)


def stop_processes(processes: Sequence[subprocess.Popen[bytes]], grace_s: float) -> None:
    """SIGTERM every process, then kill those not gone within `grace_s` (in total)."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + grace_s
    for process in processes:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
