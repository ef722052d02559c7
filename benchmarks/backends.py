"""The database and cache servers a benchmark may use, named by environment variables.

PostgreSQL and Redis are opt-in (CI runs the quick suite without them): FANOUT_BENCH_POSTGRES
names a database URL, FANOUT_BENCH_REDIS a Redis URL. Each benchmark gets a schema or a key
prefix of its own, removed afterwards, so it never touches anybody else's data; a server
that is named but unreachable raises `Skipped` with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import OperationalError

from benchmarks.runner import Skipped
from microblog.cache import scratch_cache
from microblog.errors import Invalid
from microblog.store.sql.scratch import scratch_schema

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
    try:
        with scratch_schema(url, "fanout_bench") as scoped:
            yield scoped
    except OperationalError as error:
        raise Skipped(f"PostgreSQL at {url} unusable: {str(error).splitlines()[0]}") from None


@contextmanager
def fresh_redis_prefix(url: str) -> Iterator[str]:
    """A key prefix nobody uses on the Redis at `url`; every key under it deleted afterwards."""
    try:
        with scratch_cache(url, "fanout-bench") as cache:
            yield cache.prefix
    except Invalid as error:
        raise Skipped(f"Redis at {url} unusable: {error}") from None
