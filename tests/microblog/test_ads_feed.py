"""The home feed: ads at exactly the configured ad load, and no trace of ads at load 0."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog.services.feed import ad_fraction, ad_slots_after, organic_slot
from microblog.work import recording
from tests.microblog.ads_support import MakeWorld


def is_ad_slot(slot: int, load: Fraction) -> bool:
    """The documented rule: slot i is an ad when floor((i + 1) a) > floor(i a)."""
    return math.floor((slot + 1) * load) > math.floor(slot * load)


@given(st.integers(0, 99), st.integers(0, 500))
def test_the_first_slots_hold_exactly_their_share_of_ads(percent: int, rank: int) -> None:
    load = ad_fraction(percent / 100)
    slots = organic_slot(rank, load) + 1 + ad_slots_after(rank, 1, load)[0]
    ads = slots - (rank + 1)
    assert ads == math.floor(slots * load)
    assert not is_ad_slot(organic_slot(rank, load), load)


@given(st.integers(0, 99), st.integers(0, 500), st.integers(0, 40))
def test_a_pages_ad_slots_lie_between_its_posts_organic_slots(
    percent: int, first: int, count: int
) -> None:
    """A page steps from slot to slot; the ad slots it finds are those between the slots
    `organic_slot` solves for each of its posts."""
    load = ad_fraction(percent / 100)
    between = [
        organic_slot(r + 1, load) - organic_slot(r, load) - 1 for r in range(first, first + count)
    ]
    assert ad_slots_after(first, count, load) == between


@pytest.mark.parametrize(("load", "between"), [(0.5, 1), (0.25, 3), (0.2, 4), (0.1, 9)])
def test_load_one_in_k_plus_one_puts_k_posts_between_ads(load: float, between: int) -> None:
    fraction = ad_fraction(load)
    assert ad_slots_after(0, 3 * between, fraction) == ([0] * (between - 1) + [1]) * 3


@pytest.mark.parametrize("load", [0.2, 0.3])
def test_ads_appear_exactly_at_the_configured_ad_load(make_world: MakeWorld, load: float) -> None:
    world = make_world(ad_load=load)
    for _ in range(4):  # one ad per campaign per page: 7 posts bring at most 3 ad slots
        world.campaign()
    viewer = world.reader(posts=30)
    feed = world.feed(viewer, limit=7)
    fraction = ad_fraction(load)
    assert [bool(item.ad) for item in feed] == [is_ad_slot(i, fraction) for i in range(len(feed))]
    assert sum(1 for item in feed if item.ad) == math.floor(len(feed) * fraction)
    assert [item.post.id for item in feed if not item.ad] == [
        p.id for p in world.blog.posts.by_author(viewer.id, limit=30).items
    ]


def test_an_unwon_slot_is_left_out_and_the_posts_continue(make_world: MakeWorld) -> None:
    """One campaign, one ad per page: the page's other ad slots simply carry no ad."""
    world = make_world(ad_load=0.5)
    campaign = world.campaign()
    viewer = world.reader(posts=4)
    page = world.blog.feed.home(viewer.id, limit=4).items
    assert [item.ad.campaign_id if item.ad else None for item in page] == [
        None, campaign.id, None, None, None
    ]  # fmt: skip


@pytest.mark.parametrize("limit", [3, 20])
def test_with_ad_load_zero_the_feed_is_the_home_timeline(make_world: MakeWorld, limit: int) -> None:
    world = make_world(ad_load=0.0)
    world.campaign()
    viewer = world.reader(posts=10)
    cursor = None
    while True:
        world.blog.timelines.home(viewer.id, cursor, limit)  # warms a cache tier, if any
        with recording() as timeline_work:
            expected = world.blog.timelines.home(viewer.id, cursor, limit)
        with recording() as feed_work:
            page = world.blog.feed.home(viewer.id, cursor, limit)
        assert [item.post for item in page.items] == expected.items
        assert all(item.ad is None for item in page.items)
        assert page.next_cursor == expected.next_cursor
        assert feed_work == timeline_work
        if (cursor := page.next_cursor) is None:
            break
    assert world.blog.ads.totals().impressions == 0


def test_the_home_timeline_never_carries_ads(make_world: MakeWorld) -> None:
    """The ad load applies to the feed; the plain home timeline stays organic."""
    world = make_world(ad_load=0.5)
    world.campaign()
    viewer = world.reader(posts=5)
    assert [p.id for p in world.blog.timelines.home(viewer.id).items] == [
        item.post.id for item in world.blog.feed.home(viewer.id).items if not item.ad
    ]
    assert len(world.blog.timelines.home(viewer.id).items) == 5


def test_serving_ads_is_recorded_work(make_world: MakeWorld) -> None:
    world = make_world(ad_load=0.5)
    world.campaign()
    viewer = world.reader(posts=2)
    with recording() as work:
        world.blog.feed.home(viewer.id)
    with recording() as organic:
        world.blog.timelines.home(viewer.id)
    assert work.db_writes >= 2  # the impression and its campaign counter
    assert work.db_reads > organic.db_reads
