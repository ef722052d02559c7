"""The cache tier: state derived from the store, fast to read and safe to lose.

The relational store is the truth. Everything kept here (home timelines, hot post bodies,
token lookups, presence, the fan-out queue, cross-process chat delivery) is either rebuilt
from the store when it is missing or is live state that only matters while its process
lives. Two tiers:

- `memory` (the embedded default): in this process, nothing to run, one server process.
- `redis://HOST:PORT/DB`: a Redis server shared by every server process and fan-out
  worker, through redis-py (hiredis parses replies when installed). Every key starts with
  the tier's prefix, so several platforms (or test runs) share one Redis safely.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from microblog.errors import Invalid

if TYPE_CHECKING:
    from redis import Redis

MEMORY = "memory"
REDIS_SCHEMES = ("redis", "rediss", "unix")
DEFAULT_PREFIX = "fanout:"
REDIS_POOL_SIZE = 64
"""Connections per process: above the server's threadpool (40), so no call waits for one."""


@dataclass
class CacheTier:
    """Where the cache tier lives: in this process (`redis` is None) or in a Redis server."""

    url: str = MEMORY
    prefix: str = DEFAULT_PREFIX
    redis: Redis | None = None

    @property
    def shared(self) -> bool:
        """Whether other processes (server workers, fan-out workers) see the same tier."""
        return self.redis is not None

    def key(self, *parts: object) -> str:
        """A key under this tier's prefix: `key("home", 7)` is `fanout:home:7`."""
        return self.prefix + ":".join(map(str, parts))

    def flush(self) -> int:
        """Drop every key under the prefix (tests, operators); returns how many went.

        The memory tier's parts own their state, so they are flushed by their owners.
        """
        if self.redis is None:
            return 0
        dropped = 0
        batch: list[bytes] = []
        for key in self.redis.scan_iter(match=f"{self.prefix}*", count=1000):
            batch.append(key)
            if len(batch) == 1000:
                dropped += int(self.redis.unlink(*batch))
                batch.clear()
        if batch:
            dropped += int(self.redis.unlink(*batch))
        return dropped

    def close(self) -> None:
        if self.redis is not None:
            self.redis.close()


def open_cache(url: str = MEMORY, prefix: str = DEFAULT_PREFIX) -> CacheTier:
    """Open a cache tier by URL: `memory` or `redis://HOST:PORT/DB`.

    A Redis URL is checked with a PING at once, so a wrong address fails at start-up with
    the URL named, not at the first request.
    """
    if url == MEMORY:
        return CacheTier(url, prefix)
    if urlsplit(url).scheme not in REDIS_SCHEMES:
        raise Invalid(
            f"unknown cache {url!r}: use 'memory' or 'redis://HOST:PORT/DB'", field="cache"
        )
    from redis import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(url, max_connections=REDIS_POOL_SIZE, socket_connect_timeout=3)
    try:
        client.ping()
    except RedisError as error:
        client.close()
        raise Invalid(f"cannot reach the cache at {url!r}: {error}", field="cache") from None
    return CacheTier(url, prefix, client)


@contextmanager
def scratch_cache(url: str, label: str = "fanout-scratch") -> Iterator[CacheTier]:
    """A cache tier under a new key prefix of its own (one test, benchmark or load test),
    its keys deleted on leaving, so runs sharing one Redis never see each other's."""
    cache = open_cache(url, prefix=f"{label}-{uuid.uuid4().hex[:12]}:")
    try:
        yield cache
    finally:
        cache.flush()
        cache.close()
