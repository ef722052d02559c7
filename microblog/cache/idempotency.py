"""Finished keyed requests on the cache tier, so a retried payment is answered by any
server process without the store's write transaction.

The store's idempotency record stays the truth: it is written in the transaction that
moves the money, and a request whose key the tier does not hold (never seen, expired,
flushed, or its process killed between commit and caching) goes to the store, which
replays or refuses it as before. The tier is filled only after that commit, so it never
holds a result the store lacks. Only a shared tier (Redis) keeps them, as with post
bodies and tokens: beside a memory store the record is already a dict lookup, and one
server process beside a SQL store has no other process to answer for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import orjson

from microblog.money_models import IdempotencyRecord
from microblog.work import record

if TYPE_CHECKING:
    from redis import Redis

    from microblog.cache import CacheTier


@dataclass(frozen=True, slots=True)
class Finished:
    """What a retry needs of the first request: its fingerprint and its result."""

    fingerprint: str
    response: dict[str, object]


class IdempotencyCache(Protocol):
    def get(self, account_id: int, key: str) -> Finished | None:
        """The finished request under this key, or None (then the store answers)."""
        ...

    def put(self, finished: IdempotencyRecord) -> None:
        """Keep a request's record once its transaction has committed."""
        ...


class NoIdempotencyCache:
    """The memory tier's: none kept, every keyed request goes to the store."""

    def get(self, account_id: int, key: str) -> Finished | None:
        return None

    def put(self, finished: IdempotencyRecord) -> None:
        """Nothing to keep."""


class RedisIdempotencyCache:
    """`[fingerprint, response]` as orjson under `idem:<account>:<key>`, each expiring."""

    def __init__(self, redis: Redis, tier: CacheTier, ttl_s: int) -> None:
        self._redis = redis
        self._key = lambda account_id, key: tier.key("idem", account_id, key)
        self._ttl_s = ttl_s

    def get(self, account_id: int, key: str) -> Finished | None:
        found = self._redis.get(self._key(account_id, key))
        if found is None:
            return None
        record(cache_reads=1)
        fingerprint, response = orjson.loads(found)
        return Finished(fingerprint, response)

    def put(self, finished: IdempotencyRecord) -> None:
        value = orjson.dumps([finished.fingerprint, finished.response])
        self._redis.set(self._key(finished.account_id, finished.key), value, ex=self._ttl_s)
        record(cache_writes=1)


def open_idempotency_cache(tier: CacheTier, ttl_s: int) -> IdempotencyCache:
    """Finished requests in Redis when the tier has a client, else none."""
    if tier.redis is not None:
        return RedisIdempotencyCache(tier.redis, tier, ttl_s)
    return NoIdempotencyCache()
