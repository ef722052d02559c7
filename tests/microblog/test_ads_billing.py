"""Billing through the ledger: exact CPM carry, CPC per click, budgets never overspent,
unfunded campaigns stop, and the books balance after ad spend."""

from __future__ import annotations

import threading

import pytest

from microblog.ads_models import BidType, CampaignStatus
from microblog.models import Role
from microblog.money_models import TransferKind
from microblog.store.memory import MemoryStore
from microblog.store.memory_ads import MemoryAds
from tests.microblog.ads_support import DAY, MakeWorld, World


def serve(world: World, readers: int) -> None:
    """`readers` new users each load one feed page with one ad slot."""
    for _ in range(readers):
        world.blog.feed.home(world.reader(posts=1).id)


def test_cpm_impressions_are_charged_whole_fen_carrying_the_remainder(
    make_world: MakeWorld,
) -> None:
    """A lone bidder pays the 2345 fen per mille reserve: 25 impressions owe 58.625 fen."""
    world = make_world(ad_load=0.5, reserve_cpm=2345)
    campaign = world.campaign(bid=5000)
    serve(world, 25)
    report = world.blog.ads.report(campaign.owner_id, campaign.id)
    assert report.impressions == 25
    assert report.spent == 25 * 2345 // 1000 == world.paid(campaign.owner_id)
    assert world.blog.ads.campaign(campaign.owner_id, campaign.id).delivery.owed_millifen == 625
    world.assert_books_balance()


def test_ad_spend_moves_from_the_wallet_to_platform_revenue(make_world: MakeWorld) -> None:
    world = make_world(ad_load=0.5, reserve_cpm=5000)
    campaign = world.campaign(bid=5000)
    serve(world, 3)
    statement = world.blog.payments.statement(campaign.owner_id).items
    ad_lines = [line for line in statement if line.kind is TransferKind.AD_SPEND]
    assert [(line.amount_fen, line.ref_id) for line in ad_lines] == [(-5, campaign.id)] * 3
    assert world.revenue() == 15
    world.assert_books_balance()


def test_cpc_campaigns_pay_per_first_click_at_the_auction_price(make_world: MakeWorld) -> None:
    world = make_world(ad_load=0.5, reserve_cpm=200, ctr_prior=0.01)
    campaign = world.campaign(bid_type=BidType.CPC, bid=80)
    viewer = world.reader(posts=1)
    (ad,) = [item.ad for item in world.blog.feed.home(viewer.id).items if item.ad]
    assert ad.price == 20  # reserve 200 per mille at 1 % CTR
    assert world.paid(campaign.owner_id) == 0
    assert world.blog.ads.click(viewer.id, ad.impression_id) is True
    assert world.blog.ads.click(viewer.id, ad.impression_id) is False
    report = world.blog.ads.report(campaign.owner_id, campaign.id)
    assert (report.clicks, report.spent, report.ctr) == (1, 20, 1.0)
    assert world.paid(campaign.owner_id) == 20
    world.assert_books_balance()


def test_spend_stops_at_the_total_budget(make_world: MakeWorld) -> None:
    world = make_world(ad_load=0.5, reserve_cpm=3000)
    campaign = world.campaign(bid=3000, total_budget=20)
    serve(world, 12)
    report = world.blog.ads.report(campaign.owner_id, campaign.id)
    assert report.spent == 20 == world.paid(campaign.owner_id)
    assert report.impressions == 7  # 3 fen each; the 7th is cut to the 2 fen left


def test_the_daily_budget_stops_today_and_renews_tomorrow(make_world: MakeWorld) -> None:
    world = make_world(ad_load=0.5, reserve_cpm=5000)
    campaign = world.campaign(bid=5000, daily_budget=10)
    serve(world, 4)
    assert world.blog.ads.report(campaign.owner_id, campaign.id).impressions == 2
    world.clock.now += DAY
    serve(world, 4)
    assert world.blog.ads.report(campaign.owner_id, campaign.id).spent == 20


def test_clicks_past_the_budget_are_not_charged(make_world: MakeWorld) -> None:
    """Three clicks at about 100 fen each against a 150 fen budget: 150 is charged."""
    world = make_world(ad_load=0.5, reserve_cpm=1000, ctr_prior=0.01)
    campaign = world.campaign(bid_type=BidType.CPC, bid=200, total_budget=150)
    shown = []
    for _ in range(3):
        viewer = world.reader(posts=1)
        shown += [(viewer, i.ad) for i in world.blog.feed.home(viewer.id).items if i.ad]
    for viewer, ad in shown:
        world.blog.ads.click(viewer.id, ad.impression_id)
    report = world.blog.ads.report(campaign.owner_id, campaign.id)
    assert (report.clicks, report.spent) == (3, 150)
    assert world.paid(campaign.owner_id) == 150


def test_an_advertiser_who_cannot_pay_is_paused_until_resumed(make_world: MakeWorld) -> None:
    world = make_world(ad_load=0.5, reserve_cpm=5000)
    owner = world.account(Role.ADVERTISER, funds=12)
    campaign = world.campaign(owner, bid=5000)
    serve(world, 4)
    stopped = world.blog.ads.campaign(owner.id, campaign.id)
    assert stopped.status is CampaignStatus.UNFUNDED
    assert stopped.delivery.impressions == 2 and stopped.delivery.spent == 10
    assert world.blog.payments.balance(owner.id) == 2
    serve(world, 2)
    assert world.blog.ads.report(owner.id, campaign.id).impressions == 2
    world.blog.payments.seed_credits([(owner.id, 100)])
    world.blog.ads.resume(owner.id, campaign.id)
    serve(world, 2)
    assert world.blog.ads.report(owner.id, campaign.id).impressions == 4
    world.assert_books_balance()


def test_an_unfunded_winner_gives_the_slot_to_the_next_bid(make_world: MakeWorld) -> None:
    world = make_world(ad_load=0.5, reserve_cpm=1000)
    broke = world.campaign(world.account(Role.ADVERTISER, funds=0), bid=9000)
    funded = world.campaign(bid=5000)
    assert world.ads_seen(world.reader(posts=1)) == [funded.id]
    assert world.blog.ads.campaign(broke.owner_id, broke.id).status is CampaignStatus.UNFUNDED


def test_a_key_claimed_by_another_request_is_never_taken_as_paid(make_world: MakeWorld) -> None:
    """An advertiser who spends its first impression's charge key on a gift gets no free ad."""
    world = make_world(ad_load=0.5, reserve_cpm=5000)
    campaign = world.campaign(bid=5000)
    friend = world.account()
    key = f"ads:cpm:{campaign.id}:1"
    world.blog.payments.gift(campaign.owner_id, friend.id, 1, idempotency_key=key)
    assert world.ads_seen(world.reader(posts=1)) == []
    assert world.blog.ads.campaign(campaign.owner_id, campaign.id).status is CampaignStatus.UNFUNDED


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_concurrent_feed_reads_never_overspend_the_budget(make_world: MakeWorld) -> None:
    """Eight threads read feeds at once; the budget is spent to the fen and not beyond."""
    world = make_world(ad_load=0.5, reserve_cpm=7000)
    campaign = world.campaign(bid=7000, total_budget=100)
    readers = [world.reader(posts=2) for _ in range(16)]
    errors: list[BaseException] = []

    def read(group: list[int]) -> None:
        try:
            for viewer_id in group:
                world.blog.feed.home(viewer_id)
        except BaseException as error:  # surfaced below: threads swallow exceptions
            errors.append(error)

    threads = [
        threading.Thread(target=read, args=([r.id for r in readers[i::8]],)) for i in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = world.blog.ads.report(campaign.owner_id, campaign.id)
    assert report.spent == 100 == world.paid(campaign.owner_id)
    assert report.impressions == 15  # 14 at 7 fen, the 15th cut to the 2 fen left
    world.assert_books_balance()


@pytest.mark.parametrize("backend", ["memory"])
def test_an_allowance_caps_a_servers_charges_until_it_is_granted_more(
    make_world: MakeWorld,
) -> None:
    """A server granted a share of a campaign's budget (a shard of the simulator, whose store
    is the memory one) charges the last impression what is left of it, then leaves the
    campaign out of its auctions until it is granted more."""
    world = make_world(ad_load=0.5, reserve_cpm=5000)
    campaign = world.campaign(bid=5000)
    store = world.blog.store
    assert isinstance(store, MemoryStore)
    ads = MemoryAds(store.data.ads)
    ads.grant(campaign.id, 12, 0, 0)
    serve(world, 4)
    report = world.blog.ads.report(campaign.owner_id, campaign.id)
    assert (report.impressions, report.spent) == (3, 5 + 5 + 2)
    ads.grant(campaign.id, 5, 0, 12)
    serve(world, 2)
    report = world.blog.ads.report(campaign.owner_id, campaign.id)
    assert (report.impressions, report.spent) == (4, 17)
    assert world.paid(campaign.owner_id) == 17
    world.assert_books_balance()
