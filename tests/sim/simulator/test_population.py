"""The synthetic graph and the population built on it: heavy tails, roles, who writes."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from scenario import Scenario, scenario_from_dict
from scenario.population import ProfileConfig
from scenario.profiles import draw_profiles
from sim.graph import influencer_counts, synthetic_graph
from sim.population import Kind, build_population


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return scenario_from_dict({"population": {"users": 20_000}})


def test_synthetic_graph_is_heavy_tailed_with_the_configured_follows(scenario: Scenario) -> None:
    config = scenario.population
    follows = synthetic_graph(config, np.random.default_rng(1))
    followees = follows.degrees()
    followers = np.bincount(follows.indices, minlength=follows.n_rows)
    big, medium = influencer_counts(config, config.users)
    assert followees.mean() == pytest.approx(config.graph.mean_followees, rel=0.05)
    assert followees.max() <= config.graph.max_followees
    rows = np.repeat(np.arange(follows.n_rows), followees)
    assert not np.any(rows == follows.indices), "nobody follows themselves"
    low, high = config.graph.big_v_follower_share
    assert np.all(followers[:big] >= 0.95 * low * config.users)
    assert np.all(followers[:big] <= high * config.users)
    ordinary = followers[big + medium :]
    assert ordinary.max() > 10 * ordinary.mean(), "ordinary follower counts have a heavy tail"


def test_a_reciprocity_share_of_ordinary_follows_is_returned(scenario: Scenario) -> None:
    config = scenario.population
    follows = synthetic_graph(config, np.random.default_rng(2))
    influencers = sum(influencer_counts(config, config.users))
    rows = np.repeat(np.arange(follows.n_rows), follows.degrees())
    ordinary = (rows >= influencers) & (follows.indices >= influencers)
    pairs = set(zip(rows[ordinary].tolist(), follows.indices[ordinary].tolist(), strict=True))
    returned = sum((b, a) in pairs for a, b in pairs) / len(pairs)
    assert returned == pytest.approx(config.graph.reciprocity, abs=0.03)


def test_roles_follow_follower_rank_and_shares(scenario: Scenario) -> None:
    rng = np.random.default_rng(3)
    population = build_population(scenario, synthetic_graph(scenario.population, rng), rng)
    followers = population.initial_followers
    big = population.rows_of(Kind.BIG_V)
    medium = population.rows_of(Kind.MEDIUM_V)
    others = np.flatnonzero(~np.isin(population.kind, [Kind.BIG_V, Kind.MEDIUM_V]))
    assert followers[big].min() >= followers[medium].max() >= followers[others].max()
    config = scenario.population
    assert big.size == round(config.users * config.big_v_share)
    assert population.rows_of(Kind.MERCHANT).size == round(config.users * config.merchant_share)


def test_most_active_posters_write_the_configured_share_of_posts(scenario: Scenario) -> None:
    rng = np.random.default_rng(4)
    population = build_population(scenario, synthetic_graph(scenario.population, rng), rng)
    writers = np.flatnonzero(population.kind == Kind.USER)
    expected_posts = population.session_rate[writers] * population.post_rate[writers]
    posting = scenario.behaviour.posting
    rates = population.post_rate[writers]
    top = rates == rates.max()
    assert top.sum() == round(posting.top_user_share * writers.size)
    share = expected_posts[top].sum() / expected_posts.sum()
    assert share == pytest.approx(posting.top_post_share)
    mean_rate = expected_posts.sum() / population.session_rate[writers].sum()
    assert mean_rate == pytest.approx(scenario.behaviour.per_session.post)
    assert np.all(population.post_rate[population.kind != Kind.USER] == 0)


def test_groups_have_members(tiny: Callable[..., Scenario]) -> None:
    scenario = tiny()
    rng = np.random.default_rng(5)
    population = build_population(scenario, synthetic_graph(scenario.population, rng), rng)
    assert population.groups.n_rows == scenario.population.groups.count
    assert np.all(population.groups.degrees() >= 1)


def test_store_profiles_carry_each_accounts_drawn_attributes() -> None:
    profiles = draw_profiles(ProfileConfig(), 500, np.random.default_rng(6))
    stored = profiles.store_profiles()
    for row in (0, 1, 250, 499):
        names = [profiles.interest_names[i] for i in np.flatnonzero(profiles.interests[row])]
        assert stored[row].interests == names
        assert stored[row].region == profiles.region_names[profiles.region[row]]
        assert stored[row].gender.value == profiles.gender_names[profiles.gender[row]]
        assert stored[row].age_band.value == profiles.age_band_names[profiles.age_band[row]]
    assert stored[0].interests is not stored[1].interests
    counts = profiles.interests.sum(axis=1)
    assert counts.min() >= 1 and counts.mean() == pytest.approx(3.0, abs=0.2)
