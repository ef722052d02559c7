"""The hot home read: a whole timeline's page and its posts' bodies from the cache tier alone.

A home read served from the store merges the materialised timeline with store streams
(the reader's groups, pulled authors) and reads the bodies the tier lacks: a synchronous
path of several round trips. When a rebuild found the timeline to be the reader's whole
home stream (`TimelineCache.finish_rebuild(whole=True)`: push fan-out, the reader's own
posts delivered into it, no group), a page needs nothing but the tier, and the server's
event loop answers it without a thread. In Redis one Lua script returns the page's ids and
their cached bodies, over redis.asyncio (hiredis parses); in the memory tier (one server
process over an SQL store) both are in this process. Anything the tier cannot answer
whole (a timeline missing, being rebuilt or not whole, a body missing, a post deleted or
carrying photos) is None, and the caller takes the store's path, which fills the tier.

The script reads body keys it is not given in KEYS (their ids come from the timeline):
fine on one Redis server, as this tier is; a Redis Cluster would need the keys hash-tagged
to one slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import BlockingConnectionPool, Redis

from microblog.cache import REDIS_POOL_SIZE, CacheTier
from microblog.cache.posts import POST_KEY, MemoryPostBodies, PostBodies, public_body
from microblog.cache.timelines import TIMELINE_KEY, WHOLE, MemoryTimelineCache, TimelineCache
from microblog.work import record

# KEYS: timeline; ARGV: max score ('+inf' or '(before'), limit, WHOLE, body key prefix.
# Returns false unless the timeline is whole, else {ids, bodies} (a missing body is nil).
_WHOLE_PAGE = """
local state = redis.call('ZSCORE', KEYS[1], 's')
if (not state) or tonumber(state) ~= tonumber(ARGV[3]) then return false end
local ids = redis.call('ZRANGE', KEYS[1], ARGV[1], 1, 'BYSCORE', 'REV', 'LIMIT', 0, ARGV[2])
if #ids == 0 then return {ids, {}} end
local keys = {}
for i, id in ipairs(ids) do keys[i] = ARGV[4] .. id end
return {ids, redis.call('MGET', unpack(keys))}
"""


@dataclass(frozen=True, slots=True)
class HotPage:
    """A page served from the tier alone: its post ids, newest first, and their bodies as
    the API's `PostPublic` JSON, in the same order."""

    ids: list[int]
    bodies: list[bytes]


class HotPages(Protocol):
    async def page(self, owner_id: int, before: int | None, limit: int) -> HotPage | None:
        """Up to `limit` posts below `before` of a whole timeline, or None (see module)."""
        ...

    async def aclose(self) -> None: ...


class RedisHotPages:
    """Whole timelines' pages from Redis, for the server's event loop. Its own connection
    pool (asyncio's, beside the tier's synchronous one; a request waits for a connection
    rather than fail when all are busy), closed by `aclose`."""

    def __init__(self, tier: CacheTier, pool_size: int = REDIS_POOL_SIZE) -> None:
        pool = BlockingConnectionPool.from_url(tier.url, max_connections=pool_size)
        self._redis = Redis.from_pool(pool)
        self._script = self._redis.register_script(_WHOLE_PAGE)
        self._timeline_key = tier.key(TIMELINE_KEY, "")
        self._body_key = tier.key(POST_KEY, "")

    async def page(self, owner_id: int, before: int | None, limit: int) -> HotPage | None:
        top = "+inf" if before is None else f"({before}"
        keys = [f"{self._timeline_key}{owner_id}"]
        found = await self._script(keys, [top, limit, WHOLE, self._body_key])
        if not found:
            return None
        ids, raws = found
        bodies = [body for raw in raws if raw and (body := public_body(raw)) is not None]
        if len(bodies) < len(ids):
            return None
        record(cache_reads=len(ids) + len(bodies))
        return HotPage([int(i) for i in ids], bodies)

    async def aclose(self) -> None:
        await self._redis.aclose()


class MemoryHotPages:
    """Whole timelines' pages from this process's memory: no I/O, so the event loop may ask."""

    def __init__(self, timelines: MemoryTimelineCache, bodies: MemoryPostBodies) -> None:
        self._timelines = timelines
        self._bodies = bodies

    async def page(self, owner_id: int, before: int | None, limit: int) -> HotPage | None:
        ids = self._timelines.whole_page(owner_id, before, limit)
        bodies = self._bodies.public_many(ids) if ids is not None else None
        return HotPage(ids, bodies) if ids is not None and bodies is not None else None

    async def aclose(self) -> None:
        """Nothing to close."""


def open_hot_pages(
    tier: CacheTier, timelines: TimelineCache, bodies: PostBodies
) -> HotPages | None:
    """Hot pages of the tier holding these timelines and bodies: Redis, or this process's
    memory when it keeps bodies (beside an SQL store); None when it does not (every read
    takes the store's path)."""
    if tier.shared:
        return RedisHotPages(tier)
    if isinstance(timelines, MemoryTimelineCache) and isinstance(bodies, MemoryPostBodies):
        return MemoryHotPages(timelines, bodies)
    return None
