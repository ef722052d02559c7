"""The timeline cache's contract, on both tiers: missing is not empty, deliveries skip
missing timelines, a rebuild keeps deliveries that raced it and is abandoned when the
timeline was lost meanwhile, timelines keep their newest `capacity` posts."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from microblog.cache.timelines import MemoryTimelineCache, RedisTimelineCache, TimelineCache
from tests.backends import redis_cache

CAPACITY = 4
Tier = tuple[TimelineCache, Callable[[], object]]


@pytest.fixture(params=["memory", "redis"])
def tier(request: pytest.FixtureRequest) -> Iterator[Tier]:
    """A tier that may lose timelines (not complete), and how to lose them all."""
    if request.param == "memory":
        cache = MemoryTimelineCache(CAPACITY, complete=False)
        yield cache, cache.forget_all
    else:
        with redis_cache() as tier:
            assert tier.redis is not None
            yield RedisTimelineCache(tier.redis, tier, CAPACITY), tier.flush


def rebuilt(cache: TimelineCache, owner: int, ids: list[int]) -> None:
    assert cache.finish_rebuild(owner, cache.start_rebuild(owner), ids)


def test_a_timeline_never_built_is_missing_not_empty(tier: Tier) -> None:
    cache, _ = tier
    cache.deliver([1], 10)
    assert cache.page(1, None, 10) is None
    rebuilt(cache, 1, [])
    assert cache.page(1, None, 10) == []


def test_deliveries_page_newest_first_and_keep_the_capacity(
    tier: Tier,
) -> None:
    cache, _ = tier
    rebuilt(cache, 1, [])
    for post in (3, 1, 7, 5, 9, 8):
        cache.deliver([1, 2], post)
    assert cache.page(1, None, 10)[:CAPACITY] == [9, 8, 7, 5]  # type: ignore[index]
    assert cache.page(1, 8, 2) == [7, 5]
    assert cache.page(2, None, 10) is None


def test_a_delivery_during_a_rebuild_is_kept(tier: Tier) -> None:
    cache, _ = tier
    generation = cache.start_rebuild(1)
    assert cache.page(1, None, 10) is None  # being rebuilt: not shown half-built
    cache.deliver([1], 12)  # committed after the rebuild read the store
    assert cache.start_rebuild(1) == generation  # a second reader joins the same rebuild
    assert cache.finish_rebuild(1, generation, [11, 10])
    assert cache.page(1, None, 10) == [12, 11, 10]


def test_a_rebuild_is_abandoned_when_the_timeline_was_lost_meanwhile(
    tier: Tier,
) -> None:
    cache, lose = tier
    generation = cache.start_rebuild(1)
    lose()
    cache.deliver([1], 12)  # skipped: missing, so the rebuild's read may not hold it
    assert not cache.finish_rebuild(1, generation, [11])
    assert cache.page(1, None, 10) is None


def test_merge_adds_to_present_timelines_only(tier: Tier) -> None:
    cache, _ = tier
    rebuilt(cache, 1, [5])
    cache.merge(1, [2, 6])
    cache.merge(2, [2, 6])
    assert cache.page(1, None, 10) == [6, 5, 2]
    assert cache.page(2, None, 10) is None
    cache.forget(1)
    assert cache.page(1, None, 10) is None


def test_a_complete_memory_tier_reads_an_unknown_timeline_as_empty() -> None:
    cache = MemoryTimelineCache(CAPACITY, complete=True)
    assert cache.page(1, None, 10) == []
    cache.deliver([1], 3)
    assert cache.page(1, None, 10) == [3]
