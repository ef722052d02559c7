"""Campaigns: who may run them, what a valid one is, and that only owners see or change them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from microblog.ads_models import CampaignKind, CampaignStatus
from microblog.errors import Forbidden, Invalid, NotFound
from microblog.models import Role
from microblog.work import recording
from tests.microblog.ads_support import MakeWorld, default_spec


def test_an_advertiser_runs_ads_and_a_merchant_runs_promotions(make_world: MakeWorld) -> None:
    world = make_world()
    ad = world.campaign()
    promotion = world.campaign(kind=CampaignKind.PROMOTION)
    assert ad.status is CampaignStatus.ACTIVE and ad.spec.kind is CampaignKind.AD
    assert promotion.spec.kind is CampaignKind.PROMOTION
    for role, kind in [(Role.USER, CampaignKind.AD), (Role.MERCHANT, CampaignKind.AD),
                       (Role.ADVERTISER, CampaignKind.PROMOTION)]:  # fmt: skip
        owner = world.account(role)
        post = world.blog.posts.create(owner.id, "mine")
        with pytest.raises(Forbidden):
            world.blog.ads.create_campaign(owner.id, replace(default_spec(post.id), kind=kind))


def test_the_creative_must_be_a_public_post_of_the_owner(make_world: MakeWorld) -> None:
    world = make_world()
    owner, other = world.account(Role.ADVERTISER), world.account()
    foreign = world.blog.posts.create(other.id, "not yours")
    group = world.blog.groups.create(owner.id, "club")
    members_only = world.blog.posts.create(owner.id, "members", group_id=group.id)
    with pytest.raises(Forbidden) as raised:
        world.blog.ads.create_campaign(owner.id, default_spec(foreign.id))
    assert raised.value.field == "post_id"
    with pytest.raises(Forbidden):
        world.blog.ads.create_campaign(owner.id, default_spec(members_only.id))
    with pytest.raises(NotFound):
        world.blog.ads.create_campaign(owner.id, default_spec(9999))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("bid", 0),
        ("daily_budget", 0),
        ("total_budget", -5),
        ("frequency_cap", 0),
        ("end", 0.0),
        ("bid", 10**22),  # found by fuzzing: overflowed the SQL drivers (a 500)
        ("total_budget", 2**63),
    ],
)
def test_unrunnable_numbers_are_refused_naming_the_field(
    make_world: MakeWorld, field: str, value: float
) -> None:
    world = make_world()
    owner = world.account(Role.ADVERTISER)
    post = world.blog.posts.create(owner.id, "ad")
    change: dict[str, Any] = {field: value}
    with pytest.raises(Invalid) as raised:
        world.blog.ads.create_campaign(owner.id, replace(default_spec(post.id), **change))
    assert raised.value.field == field


def test_an_advertiser_cannot_read_or_change_anothers_campaign(make_world: MakeWorld) -> None:
    world = make_world()
    campaign = world.campaign()
    rival = world.account(Role.ADVERTISER)
    for action in (world.blog.ads.campaign, world.blog.ads.pause, world.blog.ads.resume,
                   world.blog.ads.report):  # fmt: skip
        with pytest.raises(Forbidden):
            action(rival.id, campaign.id)
    assert world.blog.ads.campaigns(rival.id).items == []
    assert world.blog.ads.campaign(campaign.owner_id, campaign.id).status is CampaignStatus.ACTIVE
    with pytest.raises(NotFound):
        world.blog.ads.campaign(rival.id, 9999)


def test_a_paused_campaign_stops_serving_until_resumed(make_world: MakeWorld) -> None:
    world = make_world(ad_load=0.5)
    campaign = world.campaign()
    paused = world.blog.ads.pause(campaign.owner_id, campaign.id)
    assert paused.status is CampaignStatus.PAUSED
    assert world.ads_seen(world.reader(posts=1)) == []
    world.blog.ads.resume(campaign.owner_id, campaign.id)
    assert world.ads_seen(world.reader(posts=1)) == [campaign.id]


def test_campaigns_serve_only_between_start_and_end(make_world: MakeWorld) -> None:
    world = make_world(ad_load=0.5)
    now = world.clock.now
    campaign = world.campaign(start=now + 10, end=now + 20)
    viewer = world.reader(posts=1)
    seen = []
    for moment in (now, now + 10, now + 19, now + 20):
        world.clock.now = moment
        seen.append(world.ads_seen(viewer))
    assert seen == [[], [campaign.id], [campaign.id], []]


def test_owners_list_their_campaigns_newest_first_in_pages(make_world: MakeWorld) -> None:
    world = make_world()
    owner = world.account(Role.ADVERTISER)
    made = [world.campaign(owner).id for _ in range(3)]
    first = world.blog.ads.campaigns(owner.id, limit=2)
    rest = world.blog.ads.campaigns(owner.id, first.next_cursor, limit=2)
    assert [c.id for c in first.items + rest.items] == made[::-1]
    assert rest.next_cursor is None


def test_creating_a_campaign_is_recorded_work(make_world: MakeWorld) -> None:
    world = make_world()
    owner = world.account(Role.ADVERTISER)
    post = world.blog.posts.create(owner.id, "ad")
    with recording() as work:
        world.blog.ads.create_campaign(owner.id, default_spec(post.id))
    assert work.db_writes == 1 and work.db_reads == 2  # the owner and the creative
