"""Storage backends for tests: memory and SQLite always, PostgreSQL and Redis when reachable.

PostgreSQL tests run in a fresh schema each (dropped afterwards) on the local server at
127.0.0.1:5432, database `test`; set FANOUT_TEST_POSTGRES to another URL to move them,
or to `off` to skip them. When the server cannot be reached they are skipped, and the
skip reason says so. Redis tests likewise use 127.0.0.1:6379 database 0 (FANOUT_TEST_REDIS
moves or switches them off) under a key prefix of their own, deleted afterwards.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from microblog.cache import CacheTier, scratch_cache
from microblog.store.sql.scratch import scratch_schema

POSTGRES_URL = os.environ.get(
    "FANOUT_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("FANOUT_TEST_REDIS", "redis://127.0.0.1:6379/0")
BACKENDS = ["memory", "sqlite", "postgres"]


@functools.cache
def postgres_unavailable() -> str | None:
    """Why PostgreSQL tests cannot run here, or None when they can."""
    if POSTGRES_URL == "off":
        return "PostgreSQL tests switched off by FANOUT_TEST_POSTGRES=off"
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except (OperationalError, ImportError) as error:
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {str(error).splitlines()[0]}"
    return None


@contextmanager
def store_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A URL to a fresh, empty store of the backend; PostgreSQL schemas are dropped after."""
    if backend == "memory":
        yield "memory"
    elif backend == "sqlite":
        yield f"sqlite:///{tmp_path / f'{uuid.uuid4().hex}.sqlite'}"
    else:
        if reason := postgres_unavailable():
            pytest.skip(reason)
        with scratch_schema(POSTGRES_URL, "fanout_test") as url:
            yield url


@functools.cache
def redis_unavailable() -> str | None:
    """Why Redis tests cannot run here, or None when they can."""
    if REDIS_URL == "off":
        return "Redis tests switched off by FANOUT_TEST_REDIS=off"
    from microblog.cache import open_cache
    from microblog.errors import Invalid

    try:
        open_cache(REDIS_URL).close()
    except Invalid as error:
        return f"Redis not reachable: {error}"
    return None


@contextmanager
def redis_cache() -> Iterator[CacheTier]:
    """A Redis cache tier under a fresh key prefix, its keys deleted afterwards."""
    if reason := redis_unavailable():
        pytest.skip(reason)
    with scratch_cache(REDIS_URL, "fanout-test") as cache:
        yield cache
