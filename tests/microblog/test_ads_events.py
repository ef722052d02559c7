"""What viewers do with ads: frequency caps, hides that stick, clicks, conversions, reports."""

from __future__ import annotations

import pytest

from microblog.errors import Forbidden, NotFound
from tests.microblog.ads_support import DAY, MakeWorld


def test_frequency_caps_hold_per_user_per_day(make_world: MakeWorld) -> None:
    world = make_world(ad_load=0.5)
    campaign = world.campaign(frequency_cap=2)
    viewer, other = world.reader(posts=1), world.reader(posts=1)
    seen = [world.ads_seen(viewer) for _ in range(4)]
    assert seen == [[campaign.id], [campaign.id], [], []]
    assert world.ads_seen(other) == [campaign.id]
    world.clock.now += DAY
    assert world.ads_seen(viewer) == [campaign.id]


def test_hides_stick_for_that_campaign_only(make_world: MakeWorld) -> None:
    world = make_world(ad_load=0.5)
    annoying = world.campaign(bid=5000)
    other = world.campaign(bid=1000)
    viewer = world.reader(posts=1)
    (ad,) = [i.ad for i in world.blog.feed.home(viewer.id).items if i.ad]
    assert ad.campaign_id == annoying.id
    assert world.blog.ads.hide(viewer.id, ad.impression_id) is True
    assert world.blog.ads.hide(viewer.id, ad.impression_id) is False
    world.clock.now += 30 * DAY
    assert [world.ads_seen(viewer) for _ in range(2)] == [[other.id], [other.id]]
    assert world.ads_seen(world.reader(posts=1)) == [annoying.id]
    assert world.blog.ads.report(annoying.owner_id, annoying.id).hides == 1


def test_only_the_viewer_may_click_or_hide_their_impression(make_world: MakeWorld) -> None:
    world = make_world(ad_load=0.5)
    world.campaign()
    viewer, snoop = world.reader(posts=1), world.reader(posts=1)
    (ad,) = [i.ad for i in world.blog.feed.home(viewer.id).items if i.ad]
    for action in (world.blog.ads.click, world.blog.ads.hide):
        with pytest.raises(Forbidden):
            action(snoop.id, ad.impression_id)
        with pytest.raises(NotFound):
            action(viewer.id, 9999)


def test_conversions_are_attributed_once_and_reported(make_world: MakeWorld) -> None:
    world = make_world(ad_load=0.5, reserve_cpm=10_000)
    campaign = world.campaign(bid=10_000)
    buyers = [world.reader(posts=1) for _ in range(4)]
    ads = [i.ad for b in buyers for i in world.blog.feed.home(b.id).items if i.ad]
    assert world.blog.ads.record_conversion(ads[0].impression_id, 5000) is True
    assert world.blog.ads.record_conversion(ads[0].impression_id, 5000) is False
    assert world.blog.ads.attribute_conversion(buyers[1].id, campaign.id, 3000) is True
    assert world.blog.ads.attribute_conversion(buyers[2].id, 9999, 3000) is False
    world.blog.ads.click(buyers[3].id, ads[3].impression_id)
    report = world.blog.ads.report(campaign.owner_id, campaign.id)
    assert (report.impressions, report.clicks, report.ctr) == (4, 1, 0.25)
    assert (report.conversions, report.conversion_value, report.spent) == (2, 8000, 40)
    assert report.cost_per_conversion == 20.0


def test_orders_after_the_attribution_window_are_not_the_ads(make_world: MakeWorld) -> None:
    world = make_world(ad_load=0.5, attribution_window_s=3600)
    campaign = world.campaign()
    buyer = world.reader(posts=1)
    world.blog.feed.home(buyer.id)
    world.clock.now += 3601
    assert world.blog.ads.attribute_conversion(buyer.id, campaign.id, 100) is False


def test_platform_totals_add_up_every_campaign(make_world: MakeWorld) -> None:
    world = make_world(ad_load=0.5, reserve_cpm=10_000)
    first, second = world.campaign(bid=20_000), world.campaign(bid=20_000)
    for _ in range(3):
        world.blog.feed.home(world.reader(posts=2).id)
    totals = world.blog.ads.totals()
    reports = [world.blog.ads.report(c.owner_id, c.id) for c in (first, second)]
    assert totals.impressions == 6 == sum(r.impressions for r in reports)
    assert totals.spent == sum(r.spent for r in reports) == world.revenue()
    world.assert_books_balance()
    assert totals.ctr == 0.0 and totals.cost_per_conversion is None


def test_a_campaign_read_keeps_what_it_read_when_the_campaign_serves_on(
    make_world: MakeWorld,
) -> None:
    """A campaign a caller holds is what the store held when read: later impressions,
    charges and hides change the stored campaign, not the one in hand (the memory backend
    hands out copies; its stored record changes in place)."""
    world = make_world(ad_load=0.5)
    campaign = world.campaign()
    held = world.blog.ads.campaign(campaign.owner_id, campaign.id)
    viewer = world.reader(posts=1)
    (ad,) = [i.ad for i in world.blog.feed.home(viewer.id).items if i.ad]
    world.blog.ads.hide(viewer.id, ad.impression_id)
    now = world.blog.ads.campaign(campaign.owner_id, campaign.id)
    assert (now.delivery.impressions, now.delivery.hides) == (1, 1)
    assert now.delivery.owed_millifen > 0  # charged (below one fen so far)
    assert held.delivery == campaign.delivery and held.delivery.impressions == 0
