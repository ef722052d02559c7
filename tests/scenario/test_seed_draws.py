"""The seeding draws both modes share: group members and campaign specs from a scenario."""

from __future__ import annotations

import numpy as np

from microblog.ads_models import BidType
from scenario import load_scenario
from scenario.seed_draws import draw_specs, fen, group_memberships


def test_groups_have_one_plus_poisson_members_among_the_users() -> None:
    groups, members = group_memberships(2000, 50.0, 10_000, np.random.default_rng(1))
    sizes = np.bincount(groups, minlength=2000)
    assert sizes.min() >= 1 and abs(sizes.mean() - 50.0) < 1.0
    assert members.min() >= 0 and members.max() < 10_000


def test_no_group_is_larger_than_the_population() -> None:
    groups, _ = group_memberships(5, 50.0, 3, np.random.default_rng(1))
    assert np.bincount(groups).max() <= 3


def test_campaign_specs_follow_the_ads_section() -> None:
    scenario = load_scenario(
        "scenarios/ci-smoke.yaml",
        ["economy.ads.cpc_campaign_share=1", "economy.ads.bid_spread=0",
         "economy.ads.targeting_precision=0"],
    )  # fmt: skip
    ads = scenario.economy.ads
    specs = [spec for _, spec in draw_specs(scenario, 50, np.random.default_rng(2))]
    assert {spec.bid_type for spec in specs} == {BidType.CPC}
    assert {spec.bid for spec in specs} == {fen(ads.bid_cpc)}
    assert all(not spec.targeting.interests for spec in specs)
    assert {spec.total_budget for spec in specs} == {fen(ads.total_budget)}


def test_a_targeting_precision_share_of_campaigns_aim_at_their_topic() -> None:
    scenario = load_scenario("scenarios/ci-smoke.yaml", ["economy.ads.targeting_precision=0.5"])
    drawn = draw_specs(scenario, 4000, np.random.default_rng(3))
    interests = scenario.population.profile.interests
    aimed = [spec.targeting.interests == [interests[topic]] for topic, spec in drawn]
    assert abs(np.mean(aimed) - 0.5) < 0.03
