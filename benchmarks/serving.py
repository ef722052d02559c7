"""Servers for the wrk benchmarks: `fanout serve` as a deployment describes it, and the bare app.

A `Deployment` is data (store, cache tier, processes), turned into `fanout serve` options
in one place, so a new way of running the microblog is a new entry in a table, not new
code. PostgreSQL gets a schema of its own and Redis a key prefix of its own (both removed
afterwards, benchmarks.backends); every server runs on a free port of 127.0.0.1 in a
process group of its own and is stopped on leaving the block
(loadtests.control.server.serving).
"""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import httpx

from benchmarks.backends import (
    POSTGRES_ENV,
    REDIS_ENV,
    fresh_redis_prefix,
    fresh_schema,
    named_url,
)
from benchmarks.runner import Skipped
from loadtests.control.server import FANOUT_SERVE, LOOPBACK, free_port, python_env, serving

BARE_APP = "benchmarks.bare_app:create_app"
SETUP_TIMEOUT_S = 30.0
"""Longest an operator request of the set-up (seeding, audit) may take."""
_WORKERS_OPTION = re.compile(r"(?<![\w-])--workers\b")


@dataclass(frozen=True)
class Deployment:
    """One way to run the reference microblog."""

    name: str
    store: str
    """'sqlite' (a file of its own), 'memory', or 'postgresql' (a schema of its own)."""
    cache: str = "memory"
    """'memory' (in each process) or 'redis' (a key prefix of its own)."""
    workers: int = 1
    """Server processes (`fanout serve --workers`)."""


@dataclass(frozen=True)
class Served:
    """A running server: where it answers, its operator token, its seeded people's file."""

    base_url: str
    operator_token: str
    people_file: Path

    def operator_client(self) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.operator_token}"}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=SETUP_TIMEOUT_S)


@cache
def serve_options() -> str:
    """`fanout serve --help`: which options this checkout's server has."""
    done = subprocess.run(
        [*FANOUT_SERVE, "--help"], capture_output=True, text=True, check=True, env=python_env()
    )
    return done.stdout


def _store_url(deployment: Deployment, stack: ExitStack, workdir: Path) -> str:
    if deployment.store == "postgresql":
        return stack.enter_context(fresh_schema(named_url(POSTGRES_ENV, "PostgreSQL")))
    if deployment.store == "sqlite":
        return f"sqlite:///{workdir / f'{deployment.name}.sqlite'}"
    return deployment.store


def _cache(deployment: Deployment, stack: ExitStack) -> tuple[str, dict[str, str]]:
    """The `--cache` value and the environment naming its key prefix."""
    if deployment.cache != "redis":
        return deployment.cache, {}
    url = named_url(REDIS_ENV, "Redis")
    return url, {"FANOUT_CACHE_PREFIX": stack.enter_context(fresh_redis_prefix(url))}


def _workers(deployment: Deployment) -> list[str]:
    if deployment.workers == 1:
        return []
    if not _WORKERS_OPTION.search(serve_options()):
        raise Skipped("fanout serve has no --workers option yet (several server processes)")
    return ["--workers", str(deployment.workers)]


@contextmanager
def fanout_server(deployment: Deployment, workdir: Path) -> Iterator[Served]:
    """`fanout serve` as `deployment` says, until the block ends; `Skipped` when it cannot run."""
    with ExitStack() as stack:
        workers = _workers(deployment)
        store = _store_url(deployment, stack, workdir)
        cache_url, cache_env = _cache(deployment, stack)
        port, token = free_port(), secrets.token_urlsafe(32)
        base_url = f"http://{LOOPBACK}:{port}"
        command = [*FANOUT_SERVE, "--host", LOOPBACK, "--port", str(port)]
        command += ["--store", store, "--cache", cache_url, *workers]
        # Load from one address and a few accounts meets the published limits in seconds:
        # the benchmark measures serving, not refusing.
        command += ["--no-rate-limits"]
        env = {"FANOUT_OPERATOR_TOKEN": token, **cache_env}
        home = workdir / deployment.name
        home.mkdir()
        stack.enter_context(serving(command, env, base_url, home))
        yield Served(base_url, token, home / "people.tsv")


def uvicorn_command(app: str, address: str, port: int, workers: int = 1) -> list[str]:
    """`python -m uvicorn` serving the app factory `app` (module:function) quietly."""
    return [
        sys.executable, "-m", "uvicorn", "--factory", app,
        "--host", address, "--port", str(port), "--log-level", "warning", "--no-access-log",
        "--workers", str(workers),
    ]  # fmt: skip


@contextmanager
def bare_server(workers: int, workdir: Path) -> Iterator[str]:
    """The bare app under uvicorn with `workers` processes (the reference of the same
    stack) until the block ends: its base URL."""
    port = free_port()
    base_url = f"http://{LOOPBACK}:{port}"
    home = workdir / f"bare-{workers}"
    home.mkdir()
    command = uvicorn_command(BARE_APP, LOOPBACK, port, workers)
    with serving(command, {}, base_url, home):
        yield base_url
