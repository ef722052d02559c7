"""Materialised home timelines on the cache tier: post ids per owner, newest kept.

A timeline is derived data: fan-out on write fills it, and the store can always recompute
it (the owner's followees' pushed posts). So the tier may lose one at any time (a Redis
FLUSH, eviction, a server restarted over a durable store) and `page` must tell a missing
timeline (None: rebuild it from the store) from an empty one ([]). Deliveries skip missing
timelines; the rebuild that follows sees their posts in the store.

A rebuild races deliveries, so it goes in two steps: `start_rebuild` marks the timeline
present (deliveries land in it from then on) and returns a generation; the caller reads
the store; `finish_rebuild` merges what it read, but only if the timeline still carries
that generation (a flush in between dropped deliveries the read may not have seen, so the
merge is abandoned and the next read rebuilds again). Merging is a union, so a delivery
that landed during the rebuild and also came back from the store counts once.

Two tiers: `MemoryTimelineCache` (compact int arrays in this process; complete from the
start when it was built together with a memory store, so the simulator never rebuilds) and
`RedisTimelineCache` (a sorted set per owner scored by post id, shared by every server
process and fan-out worker; one round trip per delivered chunk, page or rebuild step).
"""

from __future__ import annotations

import itertools
import secrets
import threading
from array import array
from bisect import insort
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from microblog.store.paging import page_sorted
from microblog.work import record

if TYPE_CHECKING:
    from redis import Redis

    from microblog.cache import CacheTier


class TimelineCache(Protocol):
    """Home timelines, each holding at least the newest `capacity` post ids of its owner."""

    def deliver(self, owner_ids: list[int], post_id: int) -> None:
        """Add one post to the timelines of many owners; missing timelines are skipped."""
        ...

    def page(self, owner_id: int, before: int | None, limit: int) -> list[int] | None:
        """Up to `limit` ids below `before`, newest first; None when the timeline is missing
        (or still being rebuilt), so the caller rebuilds it instead of showing it empty."""
        ...

    def merge(self, owner_id: int, post_ids: list[int]) -> None:
        """Add posts to a present timeline (a follow's backfill); a missing one is skipped."""
        ...

    def forget(self, owner_id: int) -> None:
        """Drop a timeline (its contents are wrong, e.g. after an unfollow): it is missing."""
        ...

    def start_rebuild(self, owner_id: int) -> int:
        """Mark the timeline present and being rebuilt; returns the rebuild's generation."""
        ...

    def finish_rebuild(
        self, owner_id: int, generation: int, post_ids: list[int], *, whole: bool = False
    ) -> bool:
        """Merge the store's posts and mark the timeline complete, if it still carries this
        generation; False when it was lost meanwhile (nothing is written then).

        `whole`: the timeline is the owner's whole home stream (their own posts were merged
        too and no store stream adds to it), so a read may be served from it alone."""
        ...


def _post_ids(ids: Iterable[int] = ()) -> array[int]:
    """A compact id list (ids below 2**31, far beyond what one process holds in memory)."""
    return array("i", ids)


class MemoryTimelineCache:
    """Timelines as sorted int arrays in this process (4 bytes an entry, half a list's 8:
    a simulated day of a million users delivers tens of millions of them).

    `complete`: built together with its store (a memory store), so it has seen every
    delivery and a timeline it does not hold is empty, never missing.
    """

    def __init__(self, capacity: int, *, complete: bool) -> None:
        self.capacity = capacity
        self.complete = complete
        self._home: dict[int, array[int]] = defaultdict(_post_ids) if complete else {}
        self._building: dict[int, int] = {}
        self._whole: set[int] = set()
        self._generations = itertools.count(1)
        self._lock = threading.Lock()

    def deliver(self, owner_ids: list[int], post_id: int) -> None:
        home, capacity = self._home, self.capacity
        with self._lock:
            if self.complete:  # a defaultdict: an owner's first delivery starts the timeline
                timelines = [home[owner] for owner in owner_ids]
            else:
                timelines = [t for owner in owner_ids if (t := home.get(owner)) is not None]
            for timeline in timelines:
                if not timeline or timeline[-1] < post_id:
                    timeline.append(post_id)
                else:
                    insort(timeline, post_id)
                if len(timeline) > capacity + capacity // 4:  # trim in batches: amortised
                    del timeline[: len(timeline) - capacity]
        record(fanout_deliveries=len(owner_ids))

    def page(self, owner_id: int, before: int | None, limit: int) -> list[int] | None:
        with self._lock:
            if owner_id in self._building:
                return None
            timeline = self._home.get(owner_id)
            if timeline is None:
                return [] if self.complete else None
            ids = page_sorted(timeline, before, limit)
        record(cache_reads=len(ids))
        return ids

    def merge(self, owner_id: int, post_ids: list[int]) -> None:
        with self._lock:
            if owner_id not in self._home and not self.complete:
                return
            self._merge(owner_id, post_ids)
        record(cache_writes=len(post_ids))

    def forget(self, owner_id: int) -> None:
        with self._lock:
            self._home.pop(owner_id, None)
            self._building.pop(owner_id, None)
            self._whole.discard(owner_id)

    def forget_all(self) -> None:
        """Drop every timeline (the memory tier's share of `CacheTier.flush`)."""
        with self._lock:
            self._home.clear()
            self._building.clear()
            self._whole.clear()

    def start_rebuild(self, owner_id: int) -> int:
        with self._lock:
            if owner_id in self._building:
                return self._building[owner_id]
            self._home.setdefault(owner_id, _post_ids())
            generation = self._building[owner_id] = next(self._generations)
            return generation

    def finish_rebuild(
        self, owner_id: int, generation: int, post_ids: list[int], *, whole: bool = False
    ) -> bool:
        with self._lock:
            if self._building.get(owner_id) != generation:
                return False
            self._merge(owner_id, post_ids)
            del self._building[owner_id]
            if whole:
                self._whole.add(owner_id)
        record(cache_writes=len(post_ids))
        return True

    def whole_page(self, owner_id: int, before: int | None, limit: int) -> list[int] | None:
        """`page` of a whole timeline; None for any other (the hot read's question)."""
        with self._lock:
            if owner_id not in self._whole or owner_id in self._building:
                return None
            ids = page_sorted(self._home[owner_id], before, limit)
        record(cache_reads=len(ids))
        return ids

    def _merge(self, owner_id: int, post_ids: list[int]) -> None:
        merged = sorted(set(self._home.get(owner_id, ())).union(post_ids))
        self._home[owner_id] = _post_ids(merged[-self.capacity :])


_SENTINEL = "s"
"""The member every present Redis timeline holds, so an empty timeline still exists as a
key. Its score says the state: 0 complete, `WHOLE` complete and whole (see
`TimelineCache.finish_rebuild`), -generation while a rebuild is in flight; post ids score
themselves (>= 1), so the sentinel is always rank 0 and paging (scores >= 1) skips it."""
WHOLE = 0.5
"""The sentinel's score on a whole timeline: between complete (0) and the first post id."""

# KEYS: timelines; ARGV: post id, capacity. Adds to present timelines and trims each to
# its newest `capacity` posts (ranks 1 .. -(capacity + 1): rank 0 is the sentinel).
_DELIVER = """
local trim = -(tonumber(ARGV[2]) + 1)
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    redis.call('ZADD', key, ARGV[1], ARGV[1])
    redis.call('ZREMRANGEBYRANK', key, 1, trim)
  end
end
return 0
"""

# KEYS: timeline; ARGV: max score ('+inf' or '(before'), limit. Nil when missing/building.
_PAGE = """
local state = redis.call('ZSCORE', KEYS[1], 's')
if (not state) or tonumber(state) < 0 then return false end
return redis.call('ZRANGE', KEYS[1], ARGV[1], 1, 'BYSCORE', 'REV', 'LIMIT', 0, ARGV[2])
"""

# KEYS: timeline; ARGV: new generation. Returns the generation in flight (ours or another's).
_START = """
local state = redis.call('ZSCORE', KEYS[1], 's')
if state and tonumber(state) < 0 then return -tonumber(state) end
redis.call('ZADD', KEYS[1], -tonumber(ARGV[1]), 's')
return tonumber(ARGV[1])
"""

# KEYS: timeline; ARGV: generation (0: merge into any present timeline), capacity, the
# sentinel's score when the rebuild finishes (0 or WHOLE), post ids.
_MERGE = """
local state = redis.call('ZSCORE', KEYS[1], 's')
local generation = tonumber(ARGV[1])
if (not state) or (generation > 0 and -tonumber(state) ~= generation) then return 0 end
for i = 4, #ARGV do redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i]) end
if generation > 0 then redis.call('ZADD', KEYS[1], ARGV[3], 's') end
redis.call('ZREMRANGEBYRANK', KEYS[1], 1, -(tonumber(ARGV[2]) + 1))
return 1
"""

TIMELINE_KEY = "home"
"""Timelines live under `<prefix>home:<owner>`."""
_GENERATION_BITS = 52
"""Generations are random below 2**52, exact as a sorted-set score (a double)."""


class RedisTimelineCache:
    """Timelines as Redis sorted sets under the tier's prefix (`home:<owner>`), scored by
    post id, with the state sentinel described above. Each operation is one registered Lua
    script, so it is atomic and one round trip (a delivery: one per chunk of owners)."""

    def __init__(self, redis: Redis, tier: CacheTier, capacity: int) -> None:
        self.capacity = capacity
        self._key = lambda owner: tier.key(TIMELINE_KEY, owner)
        self._deliver = redis.register_script(_DELIVER)
        self._page = redis.register_script(_PAGE)
        self._start = redis.register_script(_START)
        self._merge = redis.register_script(_MERGE)
        self._redis = redis

    def deliver(self, owner_ids: list[int], post_id: int) -> None:
        if owner_ids:
            self._deliver([self._key(o) for o in owner_ids], [post_id, self.capacity])
        record(fanout_deliveries=len(owner_ids))

    def page(self, owner_id: int, before: int | None, limit: int) -> list[int] | None:
        top = "+inf" if before is None else f"({before}"
        found = self._page([self._key(owner_id)], [top, limit])
        if found is None:
            return None
        record(cache_reads=len(found))
        return [int(i) for i in found]

    def merge(self, owner_id: int, post_ids: list[int]) -> None:
        if post_ids and self._merge([self._key(owner_id)], [0, self.capacity, 0, *post_ids]):
            record(cache_writes=len(post_ids))

    def forget(self, owner_id: int) -> None:
        self._redis.unlink(self._key(owner_id))

    def start_rebuild(self, owner_id: int) -> int:
        generation = secrets.randbits(_GENERATION_BITS) or 1
        return int(self._start([self._key(owner_id)], [generation]))

    def finish_rebuild(
        self, owner_id: int, generation: int, post_ids: list[int], *, whole: bool = False
    ) -> bool:
        state = WHOLE if whole else 0
        key = self._key(owner_id)
        merged = self._merge([key], [generation, self.capacity, state, *post_ids])
        if merged:
            record(cache_writes=len(post_ids))
        return bool(merged)


def open_timelines(tier: CacheTier, capacity: int, *, complete: bool) -> TimelineCache:
    """The tier's timelines: in Redis when it has a client, else in this process
    (`complete` as in `MemoryTimelineCache`)."""
    if tier.redis is not None:
        return RedisTimelineCache(tier.redis, tier, capacity)
    return MemoryTimelineCache(capacity, complete=complete)
