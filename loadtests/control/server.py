"""Start the reference microblog for one load test, and always stop it again.

`local_server` runs `fanout serve` (with the interpreter running Fanout: the one command a
person deploys, so a load test measures exactly what `serve` builds) in its own process
group on a free port of 127.0.0.1 (or another loopback address: tests bind 127.0.0.2 to
stand in for a deployment on another host), shaped by the scenario's `loadtest.server`
(`ServerShape`): embedded SQLite in a temporary directory or a scratch schema of a
PostgreSQL database, the cache tier in the process or under a scratch prefix in Redis,
one or several server processes, and beside them, with Redis, the fan-out worker
processes that `serve` starts and stops. The settings travel as FANOUT_* variables, which
`serve` reads under its options: an operator token made for this run, and the scenario's
`PlatformConfig` (`scenario.platform_config`, the simulator's own) passed whole as
FANOUT_PLATFORM. It waits (bounded) for `/healthz`, and on leaving the block, whether the
test finished, failed or was interrupted, terminates the whole process group, killing it
if it does not stop in time, and removes the database, schema and cache keys. `serving`
does the same for any server command (the benchmarks run a bare app with it).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx

from microblog.cache import MEMORY, scratch_cache
from microblog.config import PlatformConfig
from microblog.store.sql.scratch import scratch_schema
from scenario.loadtest import ServerShape

LOOPBACK = "127.0.0.1"
STARTUP_TIMEOUT_S = 60.0
"""Longest wait for the server to answer /healthz before the run is abandoned: `fanout
serve --workers 2` with PostgreSQL, Redis and two fan-out workers took 28 s to answer on
this 2-core machine at load average 13, and a benchmark or test that gives up then is lost."""
STOP_TIMEOUT_S = 10.0
"""Grace given to the server to drain fan-out and close the database before it is killed."""
POLL_INTERVAL_S = 0.1
BODY_LIMIT_BYTES = 8 * 1024 * 1024
"""Request-body limit of the test server: large enough for full bulk-seeding batches."""
PROJECT_ROOT = Path(__file__).resolve().parents[2]
LOG_TAIL_CHARS = 2000
FANOUT_SERVE = [sys.executable, "-m", "cli", "serve"]
"""`fanout serve`, run by this interpreter from the project (the same command, no PATH)."""


class ServerError(RuntimeError):
    """The server under test did not start; the message quotes the end of its log."""


@dataclass(frozen=True)
class LocalServer:
    base_url: str
    operator_token: str
    pid: int
    max_body_bytes: int = BODY_LIMIT_BYTES


def free_port(address: str = LOOPBACK) -> int:
    """A TCP port on `address` that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((address, 0))
        return int(probe.getsockname()[1])


def python_env(**settings: str) -> dict[str, str]:
    """This environment plus `settings`, with the project importable from any directory."""
    path = os.pathsep.join(p for p in (str(PROJECT_ROOT), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path, **settings}


@dataclass(frozen=True)
class Deployment:
    """Where the started server keeps its data: store URL and cache tier of this run."""

    store: str
    cache: str = MEMORY
    cache_prefix: str | None = None


def server_settings(
    platform: PlatformConfig, deployment: Deployment, token: str, shape: ServerShape
) -> dict[str, str]:
    """The FANOUT_* environment that microblog.api.settings.ServerSettings reads: the platform
    settings travel as one JSON document, not field by field, so none can be left behind."""
    settings = {
        "FANOUT_STORE": deployment.store,
        "FANOUT_CACHE": deployment.cache,
        "FANOUT_OPERATOR_TOKEN": token,
        "FANOUT_MAX_BODY_BYTES": str(BODY_LIMIT_BYTES),
        "FANOUT_BACKGROUND_FANOUT_WORKERS": str(shape.fanout_workers),
        "FANOUT_REQUEST_THREADS": str(shape.request_threads),
        "FANOUT_HANDLERS": shape.handlers,
        "FANOUT_PLATFORM": platform.model_dump_json(),
    }
    if deployment.cache_prefix is not None:
        settings["FANOUT_CACHE_PREFIX"] = deployment.cache_prefix
    return settings


@contextmanager
def scratch_deployment(shape: ServerShape, directory: Path) -> Iterator[Deployment]:
    """The shape's store and cache, made empty for this run and removed afterwards."""
    with ExitStack() as stack:
        if shape.store == "sqlite":
            store = f"sqlite:///{directory / 'microblog.sqlite'}"
        else:
            store = stack.enter_context(scratch_schema(shape.store, "fanout_loadtest"))
        if shape.cache == MEMORY:
            yield Deployment(store)
            return
        cache = stack.enter_context(scratch_cache(shape.cache, "fanout-loadtest"))
        yield Deployment(store, shape.cache, cache.prefix)


@contextmanager
def local_server(
    platform: PlatformConfig, address: str = LOOPBACK, shape: ServerShape | None = None
) -> Iterator[LocalServer]:
    """A running server on `address` for the duration of the block (see module docstring)."""
    shape = shape or ServerShape()
    with (
        tempfile.TemporaryDirectory(prefix="fanout-loadtest-") as tmp,
        scratch_deployment(shape, Path(tmp)) as deployment,
    ):
        port, token = free_port(address), secrets.token_urlsafe(32)
        base_url = f"http://{address}:{port}"
        command = [*FANOUT_SERVE, "--host", address, "--port", str(port)]
        command += ["--workers", str(shape.workers)]
        environment = server_settings(platform, deployment, token, shape)
        with serving(command, environment, base_url, Path(tmp)) as pid:
            yield LocalServer(base_url, token, pid)


@contextmanager
def serving(
    command: list[str], settings: dict[str, str], base_url: str, workdir: Path
) -> Iterator[int]:
    """Run a server `command` until it answers `base_url`/healthz, yield its pid, stop it.

    The command runs in `workdir` in a process group of its own, with `settings` added to
    its environment and its output in `workdir`/server.log (quoted if it fails to start);
    leaving the block stops the whole group (see stop_process_group).
    """
    log = workdir / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=workdir,
            env=python_env(**settings),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_healthy(process, base_url, log)
        yield process.pid
    finally:
        stop_process_group(process, STOP_TIMEOUT_S)


def _wait_until_healthy(process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if has_exited(process.pid):
            raise ServerError(f"server exited early:\n{_tail(log)}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(POLL_INTERVAL_S)
    raise ServerError(f"server did not answer /healthz in {STARTUP_TIMEOUT_S:g} s:\n{_tail(log)}")


def stop_process_group(
    process: subprocess.Popen[bytes], timeout_s: float, graceful: signal.Signals = signal.SIGTERM
) -> None:
    """Signal the process's group to stop (`graceful`); SIGKILL what is left of it once the
    leader has exited or the timeout has passed (forked workers included).

    The leader is reaped only after the group is signalled: until then its id cannot be
    reused, so the signals cannot reach a process this run did not start.
    """
    if process.returncode is not None:
        return  # already reaped: its group id may belong to someone else by now
    _signal_group(process.pid, graceful)
    deadline = time.monotonic() + timeout_s
    while not has_exited(process.pid) and time.monotonic() < deadline:
        time.sleep(POLL_INTERVAL_S)
    _signal_group(process.pid, signal.SIGKILL)
    process.wait()


def has_exited(pid: int) -> bool:
    """Whether the child has exited, without reaping it."""
    return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with suppress(ProcessLookupError):
        os.killpg(pgid, sig)


def _tail(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-LOG_TAIL_CHARS:]
