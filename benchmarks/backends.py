"""The database and cache servers a benchmark may use, named by environment variables.

PostgreSQL and Redis are opt-in (CI runs the quick suite without them): FANOUT_BENCH_POSTGRES
names a database URL, FANOUT_BENCH_REDIS a Redis URL. Each benchmark gets a schema or a key
prefix of its own, removed afterwards, so it never touches anybody else's data; a server
that is named but unreachable raises `Skipped` with the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

from benchmarks.runner import Skipped
from microblog.cache import open_cache
from microblog.errors import Invalid

POSTGRES_ENV = "FANOUT_BENCH_POSTGRES"
REDIS_ENV = "FANOUT_BENCH_REDIS"


def named_url(env: str, what: str) -> str:
    """The URL in `env`; `Skipped` saying how to measure `what` when it is unset."""
    url = os.environ.get(env)
    if not url:
        raise Skipped(f"{what}: not measured, {env} unset")
    return url


@contextmanager
def fresh_schema(url: str) -> Iterator[str]:
    """A URL to an empty schema of the database at `url`, dropped afterwards."""
    schema = f"fanout_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as error:  # noqa: BLE001 - any failure to connect means "cannot run"
        admin.dispose()
        raise Skipped(f"PostgreSQL at {url} unusable: {str(error).splitlines()[0]}") from None
    try:
        yield f"{url}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@contextmanager
def fresh_redis_prefix(url: str) -> Iterator[str]:
    """A key prefix nobody uses on the Redis at `url`; every key under it deleted afterwards."""
    try:
        cache = open_cache(url, prefix=f"fanout-bench-{uuid.uuid4().hex[:12]}:")
    except Invalid as error:
        raise Skipped(f"Redis at {url} unusable: {error}") from None
    try:
        yield cache.prefix
    finally:
        cache.flush()
        cache.close()
