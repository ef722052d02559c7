"""Fan-out worker processes started beside a server, and always stopped with it.

`fanout serve --fanout-workers N` with a Redis cache tier runs N `fanout fanout-worker`
processes for as long as it serves. Each is told the server's pid and stops by itself if
that process disappears (even SIGKILLed), so no worker outlives its server; a normal stop
sends SIGTERM, waits for the current chunk to finish, and kills what is still running.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from microblog.store import open_store

STOP_GRACE_S = 10.0
"""Wait for workers to finish their current chunk after SIGTERM before killing them
(assumption: a chunk is one transaction of `fanout_chunk` rows, well under a second)."""


def prepare_store(url: str) -> None:
    """Create the store's schema once, here, so workers opening it together do not race."""
    open_store(url).close()


@contextmanager
def worker_processes(
    commands: Sequence[Sequence[str]], env: Mapping[str, str]
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Run one worker process per command for the block; stop them all when it ends."""
    started: list[subprocess.Popen[bytes]] = []
    try:
        for command in commands:
            started.append(
                subprocess.Popen(list(command), env={**os.environ, **env}, stdin=subprocess.DEVNULL)
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
