"""Bearer token -> account id on the cache tier, so authenticating a request is one cache
read instead of a store query.

Tokens are never revoked or moved to another account, so a cached answer stays right; the
expiry (`token_cache_ttl_s`) only bounds how long an idle token takes space. As with post
bodies, only a shared tier (Redis) keeps them: beside a memory store a lookup is already a
dict, and beside one SQL server process it is the store's one indexed read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from microblog.work import record

if TYPE_CHECKING:
    from redis import Redis

    from microblog.cache import CacheTier


class TokenCache(Protocol):
    def get(self, token_hash: str) -> int | None:
        """The account of a cached token, or None (then the store answers)."""
        ...

    def put(self, token_hash: str, account_id: int) -> None: ...


class NoTokenCache:
    """The memory tier's tokens: none kept, every lookup goes to the store."""

    def get(self, token_hash: str) -> int | None:
        return None

    def put(self, token_hash: str, account_id: int) -> None:
        """Nothing to keep."""


class RedisTokenCache:
    def __init__(self, redis: Redis, tier: CacheTier, ttl_s: int) -> None:
        self._redis = redis
        self._key = lambda token_hash: tier.key("token", token_hash)
        self._ttl_s = ttl_s

    def get(self, token_hash: str) -> int | None:
        found = self._redis.get(self._key(token_hash))
        if found is None:
            return None
        record(cache_reads=1)
        return int(found)

    def put(self, token_hash: str, account_id: int) -> None:
        self._redis.set(self._key(token_hash), account_id, ex=self._ttl_s)
        record(cache_writes=1)


def open_token_cache(tier: CacheTier, ttl_s: int) -> TokenCache:
    """Tokens in Redis when the tier has a client, else none."""
    if tier.redis is not None:
        return RedisTokenCache(tier.redis, tier, ttl_s)
    return NoTokenCache()
