"""Generalised second price: hand-computed prices, in the service and in the pure auction."""

from __future__ import annotations

import pytest

from microblog.ads_models import BidType, Targeting
from microblog.services.auction import Award, Bid, run_auction
from tests.microblog.ads_support import MakeWorld


def cpm(campaign_id: int, amount: int, quality: float = 1.0) -> Bid:
    return Bid(campaign_id, BidType.CPM, amount, ctr=0.01, quality=quality)


def cpc(campaign_id: int, amount: int, ctr: float, quality: float = 1.0) -> Bid:
    return Bid(campaign_id, BidType.CPC, amount, ctr=ctr, quality=quality)


def test_the_winner_pays_one_fen_above_the_runner_up() -> None:
    assert run_auction([cpm(1, 200), cpm(2, 300)], reserve_cpm=100) == Award(2, 201)


def test_quality_can_beat_a_higher_bid_and_sets_the_price() -> None:
    """Scores 300 x 0.5 = 150 and 200 x 1 = 200: the relevant ad wins and pays 150 + 1."""
    assert run_auction([cpm(1, 300, quality=0.5), cpm(2, 200)], reserve_cpm=100) == Award(2, 151)


def test_the_price_is_in_the_winners_own_quality_units() -> None:
    """To beat a score of 100 with quality 0.5 the winner needs eCPM 200, so pays 201."""
    assert run_auction([cpm(1, 300, quality=0.5), cpm(2, 100)], reserve_cpm=50) == Award(1, 201)


def test_a_cpc_bid_competes_on_expected_value_and_pays_per_click() -> None:
    """50 fen/click at 1 % CTR is worth 500 per mille; to beat 400 it needs 40 fen + 1."""
    bids = [cpc(1, 50, ctr=0.01), cpm(2, 400)]
    assert run_auction(bids, reserve_cpm=100) == Award(1, 41)


def test_the_price_never_exceeds_the_bid() -> None:
    """Equal scores: the older campaign wins and pays its bid, not bid + 1."""
    assert run_auction([cpm(2, 300), cpm(1, 300)], reserve_cpm=100) == Award(1, 300)


@pytest.mark.parametrize(
    ("bid", "price"), [(cpm(1, 500), 200), (cpc(1, 50, ctr=0.01), 20), (cpc(1, 9, ctr=0.1), 2)]
)
def test_a_lone_bidder_pays_the_reserve_in_its_own_unit(bid: Bid, price: int) -> None:
    assert run_auction([bid], reserve_cpm=200) == Award(1, price)


def test_the_reserve_floors_the_price_and_excludes_lower_bids() -> None:
    assert run_auction([cpm(1, 500), cpm(2, 150)], reserve_cpm=200) == Award(1, 200)
    assert run_auction([cpm(1, 199)], reserve_cpm=200) is None
    assert run_auction([], reserve_cpm=0) is None


def test_served_ads_are_priced_by_second_price(make_world: MakeWorld) -> None:
    """Slot 1: 3000 beats 2000 and pays 2001; slot 2: 2000 is alone and pays the reserve."""
    world = make_world(ad_load=0.5, reserve_cpm=200)
    rich = world.campaign(bid=3000)
    poor = world.campaign(bid=2000)
    viewer = world.reader(posts=2)
    ads = [item.ad for item in world.blog.feed.home(viewer.id).items if item.ad]
    assert [(a.campaign_id, a.price) for a in ads] == [(rich.id, 2001), (poor.id, 200)]


def test_relevance_wins_the_slot_at_equal_bids(make_world: MakeWorld) -> None:
    """Untargeted relevance 0.5 gives quality 0.75; a matched interest gives 1."""
    world = make_world(ad_load=0.5, relevance_weight=0.5, untargeted_relevance=0.5)
    broad = world.campaign(bid=1000)
    relevant = world.campaign(bid=1000, targeting=Targeting(interests=["tech"]))
    viewer = world.reader(posts=1, interests=["tech"])
    (ad,) = [item.ad for item in world.blog.feed.home(viewer.id).items if item.ad]
    assert ad.campaign_id == relevant.id != broad.id
    assert ad.price == 751  # must beat 1000 x 0.75 with quality 1
