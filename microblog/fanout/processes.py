"""Fan-out worker processes started beside a server, and always stopped with it.

`fanout serve --fanout-workers N` (and a load test's production-shaped server) with a Redis
cache tier runs N `fanout fanout-worker` processes for as long as it serves. Each is told
the starting process's pid and stops by itself if that process disappears (even
SIGKILLed), so no worker outlives what started it; a normal stop sends SIGTERM, waits for
the current chunk to finish, and kills what is still running.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any

from redis.exceptions import ResponseError

from microblog.cache import DEFAULT_PREFIX, CacheTier, open_cache
from microblog.fanout import delivered_by_worker_processes
from microblog.fanout.stream import GROUP, StreamKeys
from microblog.store import open_store

if TYPE_CHECKING:
    from redis import Redis

START_TIMEOUT_S = 120.0
"""Longest wait for the workers to join the consumer group (assumption: a process start
has been seen to take 13 s on 2 busy cores; ten times that means something is wrong)."""
STOP_GRACE_S = 10.0
"""Wait for workers to finish their current chunk after SIGTERM before killing them
(assumption: a chunk is one transaction of `fanout_chunk` rows, well under a second)."""

POLL_S = 0.1
Processes = list[subprocess.Popen[bytes]]


class FanoutWorkersError(RuntimeError):
    """The fan-out workers did not start (one exited, or they never joined the group)."""


def worker_names(count: int) -> list[str]:
    """Consumer names of this process's workers: unique per host, process and worker."""
    return [f"{socket.gethostname()}-{os.getpid()}-fanout-{i}" for i in range(count)]


def worker_command(name: str) -> list[str]:
    """This installation's `fanout fanout-worker`, told to stop when this process is gone."""
    command = [sys.executable, "-m", "cli", "fanout-worker", "--name", name]
    return [*command, "--parent-pid", str(os.getpid())]


@contextmanager
def fanout_worker_processes(
    store: str, cache: str, count: int, env: Mapping[str, str], output: IO[bytes] | None = None
) -> Iterator[Processes]:
    """`count` worker processes for the block when the platform's fan-out goes through
    Redis (none otherwise), configured by the FANOUT_* variables in `env`; their output
    goes to `output` (default: this process's). The block starts once every worker has
    joined the consumer group, so the first posts do not wait for workers to start."""
    if not (count and delivered_by_worker_processes(store, cache)):
        yield []
        return
    open_store(store).close()  # creates the schema once, so the workers do not race to
    names, started = worker_names(count), []
    try:
        for name in names:
            started.append(
                subprocess.Popen(
                    worker_command(name),
                    env={**os.environ, **env},
                    stdin=subprocess.DEVNULL,
                    stdout=output,
                    stderr=output,
                )
            )
        prefix = env.get("FANOUT_CACHE_PREFIX", DEFAULT_PREFIX)
        _wait_until_consuming(open_cache(cache, prefix), names, started)
        yield started
    finally:
        stop_processes(started, STOP_GRACE_S)


def _wait_until_consuming(cache: CacheTier, names: list[str], started: Processes) -> None:
    assert cache.redis is not None, "worker processes consume a Redis queue"
    keys, deadline = StreamKeys.of(cache), time.monotonic() + START_TIMEOUT_S
    try:
        while not set(names) <= _consumers(cache.redis, keys):
            if exited := [p.returncode for p in started if p.poll() is not None]:
                raise FanoutWorkersError(f"a fan-out worker exited at start (exit {exited[0]})")
            if time.monotonic() > deadline:
                raise FanoutWorkersError(f"fan-out workers not consuming in {START_TIMEOUT_S:g} s")
            time.sleep(POLL_S)
    finally:
        cache.close()


def _consumers(redis: Redis, keys: StreamKeys) -> set[str]:
    try:
        consumers: Any = redis.xinfo_consumers(keys.jobs, GROUP)
    except ResponseError:  # no stream or group yet: the first worker makes them
        return set()
    return {c["name"].decode() for c in consumers}


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
