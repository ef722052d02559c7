"""Targeting: a campaign reaches only the profiles it targets, and relevance is a share."""

from __future__ import annotations

import pytest

from microblog.ads_config import AdsConfig
from microblog.ads_models import CampaignKind, Targeting
from microblog.models import AgeBand, Gender, Profile
from microblog.services.targeting import quality, relevance
from tests.microblog.ads_support import MakeWorld

VIEWER = Profile(["tech", "food"], "north", Gender.FEMALE, AgeBand.AGE_25_34)


@pytest.mark.parametrize(
    ("targeting", "reached"),
    [
        (Targeting(), True),
        (Targeting(interests=["food", "autos"]), True),
        (Targeting(interests=["autos"]), False),
        (Targeting(regions=["north", "east"]), True),
        (Targeting(regions=["east"]), False),
        (Targeting(genders=[Gender.FEMALE]), True),
        (Targeting(genders=[Gender.MALE]), False),
        (Targeting(age_bands=[AgeBand.AGE_25_34]), True),
        (Targeting(age_bands=[AgeBand.AGE_18_24]), False),
        (Targeting(["tech"], ["north"], [Gender.FEMALE], [AgeBand.AGE_25_34]), True),
        (Targeting(["tech"], ["north"], [Gender.MALE], [AgeBand.AGE_25_34]), False),
    ],
)
def test_every_targeted_field_must_hold_the_viewers_value(
    targeting: Targeting, reached: bool
) -> None:
    assert targeting.matches(VIEWER) is reached


def test_relevance_is_the_share_of_targeted_interests_the_viewer_has() -> None:
    config = AdsConfig(untargeted_relevance=0.4, relevance_weight=1.0)
    assert relevance(Targeting(interests=["tech", "autos"]), VIEWER, config) == 0.5
    assert relevance(Targeting(interests=["tech", "food"]), VIEWER, config) == 1.0
    assert relevance(Targeting(regions=["north"]), VIEWER, config) == 0.4
    assert quality(Targeting(interests=["tech", "autos"]), VIEWER, config) == 0.5


def test_relevance_weight_zero_ranks_by_bid_alone() -> None:
    config = AdsConfig(relevance_weight=0.0)
    assert quality(Targeting(interests=["tech", "autos"]), VIEWER, config) == 1.0


def test_a_campaign_reaches_only_users_matching_its_targeting(make_world: MakeWorld) -> None:
    world = make_world(ad_load=0.5)
    targeting = Targeting(interests=["tech"], regions=["north"], age_bands=[AgeBand.AGE_25_34])
    campaign = world.campaign(targeting=targeting)
    fits = world.reader(2, interests=["tech", "food"], region="north", age_band=AgeBand.AGE_25_34)
    misfits = [
        world.reader(2, interests=["food"], region="north", age_band=AgeBand.AGE_25_34),
        world.reader(2, interests=["tech"], region="south", age_band=AgeBand.AGE_25_34),
        world.reader(2, interests=["tech"], region="north", age_band=AgeBand.AGE_45_PLUS),
        world.reader(2),
    ]
    assert world.ads_seen(fits) == [campaign.id]
    assert all(world.ads_seen(viewer) == [] for viewer in misfits)


def test_advertisers_never_see_their_own_ads(make_world: MakeWorld) -> None:
    world = make_world(ad_load=0.5)
    campaign = world.campaign()
    owner = world.blog.accounts.get(campaign.owner_id)
    world.blog.posts.create(owner.id, "organic")
    assert world.ads_seen(owner) == []


def test_a_promotion_reaches_non_followers_only(make_world: MakeWorld) -> None:
    world = make_world(ad_load=0.5)
    promotion = world.campaign(kind=CampaignKind.PROMOTION)
    follower, stranger = world.reader(2), world.reader(2)
    world.blog.graph.follow(follower.id, promotion.owner_id)
    assert world.ads_seen(stranger) == [promotion.id]
    assert promotion.id not in world.ads_seen(follower)
