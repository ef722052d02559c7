"""Ad retrieval: the store's lookup of campaigns that can reach a viewer, and the depth cut.

The lookup yields live campaigns matching the viewer's profile, highest value first (a
CPC bid valued at the given click rate); the ad server auctions only the first
`retrieval_depth` eligible ones.
"""

from __future__ import annotations

from microblog.ads_models import BidType, Campaign, Targeting
from microblog.models import Profile
from microblog.store.sql.ads import LIVE_CHUNK
from microblog.work import recording
from tests.microblog.ads_support import DAY, NOON, MakeWorld, World

VIEWER = Profile(["tech", "food"], "north")


def reaching(world: World, profile: Profile = VIEWER, limit: int | None = None) -> list[int]:
    with world.blog.store.read() as tx:
        found = tx.ads.reaching(profile, world.clock.now, click_rate=0.01)
        return [c.id for _, c in zip(range(limit or 10**6), found, strict=False)]


def test_lookup_yields_live_matching_campaigns_best_value_first(make_world: MakeWorld) -> None:
    world = make_world()
    broad = world.campaign(bid=1000)
    tech = world.campaign(bid=3000, targeting=Targeting(interests=["tech", "food"]))
    autos = world.campaign(bid=5000, targeting=Targeting(interests=["autos"]))
    south = world.campaign(bid=4000, targeting=Targeting(regions=["south"]))
    by_click = world.campaign(bid_type=BidType.CPC, bid=150)  # 1500 per mille at 1 %
    tied = world.campaign(bid=1000)
    later = world.campaign(bid=9000, start=NOON + 60)
    assert reaching(world) == [tech.id, by_click.id, broad.id, tied.id]
    assert {autos.id, south.id, later.id}.isdisjoint(reaching(world))
    world.clock.now = NOON + 60
    assert reaching(world)[0] == later.id


def test_stopping_early_reads_only_what_was_taken(make_world: MakeWorld) -> None:
    world = make_world()
    best = world.campaign(bid=3000)
    for bid in (2000, 1000):
        world.campaign(bid=bid)
    with recording() as work:
        assert reaching(world, limit=1) == [best.id]
    assert work.db_reads == 1


def test_the_callers_test_passes_over_campaigns_it_does_not_want(make_world: MakeWorld) -> None:
    """The caller's eligibility test is asked of every live match in walk order; those it
    refuses are passed over (each still read), and the walk goes on to the next."""
    world = make_world()
    best, refused, third = (world.campaign(bid=bid) for bid in (3000, 2000, 1000))
    asked: list[int] = []

    def wanted(campaign: Campaign) -> bool:
        asked.append(campaign.id)
        return campaign.id != refused.id

    with world.blog.store.read() as tx, recording() as work:
        found = tx.ads.reaching(VIEWER, world.clock.now, 0.01, wanted)
        assert [c.id for c in found] == [best.id, third.id]
    assert asked == [best.id, refused.id, third.id]
    assert work.db_reads == 3


def test_a_walk_past_many_live_campaigns_keeps_bid_order_and_reads_what_it_passes(
    make_world: MakeWorld,
) -> None:
    """More live campaigns than a store reads at once (SQL reads them in chunks of
    `LIVE_CHUNK`): the walk goes on past each chunk, in bid order, ties by id, and counts
    every campaign it reads, including those the caller passes over."""
    world = make_world()
    count = 2 * LIVE_CHUNK + 3
    made = [world.campaign(bid=1000 + 10 * (i // 2)) for i in range(count)]  # pairs tie
    expected = [c.id for c in sorted(made, key=lambda c: (-c.spec.bid, c.id))]
    assert reaching(world) == expected
    with world.blog.store.read() as tx, recording() as work:
        found = tx.ads.reaching(VIEWER, world.clock.now, 0.01, lambda c: c.id == made[0].id)
        assert [c.id for c in found] == [made[0].id]
    assert work.db_reads == count


def test_paused_and_spent_campaigns_leave_the_lookup_and_resumed_ones_return(
    make_world: MakeWorld,
) -> None:
    world = make_world(ad_load=0.5, reserve_cpm=1000)
    paused = world.campaign(bid=3000)
    spent = world.campaign(bid=2000, daily_budget=1, total_budget=1)  # spent by one impression
    kept = world.campaign(bid=1000)
    world.blog.ads.pause(paused.owner_id, paused.id)
    assert reaching(world) == [spent.id, kept.id]
    assert world.ads_seen(world.reader(posts=1)) == [spent.id]
    assert reaching(world) == [kept.id]
    world.blog.ads.resume(paused.owner_id, paused.id)
    assert reaching(world) == [paused.id, kept.id]


def test_a_campaign_ahead_of_its_pacing_is_held_out_of_the_lookup_until_it_catches_up(
    make_world: MakeWorld,
) -> None:
    """At 06:00 a quarter of an 80 fen daily budget (20 fen) is released; one impression
    at 25 fen (second price against the 25 000 per mille runner-up) puts the campaign
    ahead. It is then held out of retrieval, not read by later pages, until pacing has
    released more than 25 fen: 25 / 80 of the day, 07:30."""
    world = make_world(ad_load=0.5, reserve_cpm=20_000, pacing=True, pacing_headroom=0.0)
    world.clock.now = 0.25 * DAY
    ahead = world.campaign(bid=30_000, daily_budget=80)
    steady = world.campaign(bid=25_000)
    shown = [world.ads_seen(world.reader(posts=1)) for _ in range(3)]
    assert shown == [[ahead.id], [steady.id], [steady.id]]
    with recording() as work:
        assert reaching(world) == [steady.id]
    assert work.db_reads == 1
    world.clock.now = 25 / 80 * DAY - 1
    assert reaching(world) == [steady.id]
    world.clock.now = 25 / 80 * DAY + 1
    assert reaching(world) == [ahead.id, steady.id]
    assert world.ads_seen(world.reader(posts=1)) == [ahead.id]


def test_a_campaign_that_spent_its_daily_budget_returns_the_next_day(
    make_world: MakeWorld,
) -> None:
    world = make_world(ad_load=0.5, reserve_cpm=20_000)
    spent = world.campaign(bid=30_000, daily_budget=20)
    steady = world.campaign(bid=25_000)
    shown = [world.ads_seen(world.reader(posts=1)) for _ in range(3)]
    assert shown == [[spent.id], [steady.id], [steady.id]]
    assert reaching(world) == [steady.id]
    world.clock.now = DAY
    assert reaching(world) == [spent.id, steady.id]


def ad_prices(world: World, posts: int = 1) -> list[tuple[int, int]]:
    viewer = world.reader(posts=posts)
    return [(i.ad.campaign_id, i.ad.price) for i in world.blog.feed.home(viewer.id).items if i.ad]


def campaigns(world: World, *bids: int, cap: int = 1000) -> list[Campaign]:
    return [world.campaign(bid=bid, frequency_cap=cap) for bid in bids]


def test_only_the_retrieval_depth_best_bids_enter_the_auction(make_world: MakeWorld) -> None:
    """At depth 1 the best bid is alone in its auction and pays the reserve; at depth 2
    the runner-up sets its price."""
    shallow = make_world(ad_load=0.5, reserve_cpm=200, retrieval_depth=1)
    best, _ = campaigns(shallow, 3000, 2000)
    assert ad_prices(shallow) == [(best.id, 200)]
    deep = make_world(ad_load=0.5, reserve_cpm=200, retrieval_depth=2)
    best, _ = campaigns(deep, 3000, 2000)
    assert ad_prices(deep) == [(best.id, 2001)]


def test_ineligible_campaigns_do_not_use_up_the_depth(make_world: MakeWorld) -> None:
    """A campaign at its frequency cap is skipped, so the next bid fills the slot."""
    world = make_world(ad_load=0.5, reserve_cpm=200, retrieval_depth=1)
    capped, runner_up = campaigns(world, 3000, 2000, cap=1)
    viewer = world.reader(posts=1)
    assert world.ads_seen(viewer) == [capped.id]
    assert world.ads_seen(viewer) == [runner_up.id]
