"""Pacing: a daily budget is released over the day, not spent in the first minutes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog.ads_config import AdsConfig
from microblog.services.pacing import (
    back_on_schedule_at,
    day_of,
    elapsed_share,
    released_share,
)
from tests.microblog.ads_support import DAY, MakeWorld, World

HOUR = 3600.0
PACED = {"ad_load": 0.5, "pacing": True, "reserve_cpm": 20_000}


def test_even_pacing_releases_the_budget_in_proportion_to_the_time_of_day() -> None:
    config = AdsConfig(pacing_headroom=0.0)
    assert elapsed_share(6 * HOUR, config) == 0.25
    assert elapsed_share(DAY + 6 * HOUR, config) == 0.25
    assert 1000 * released_share(12 * HOUR, config) == 500
    assert 1000 * released_share(12 * HOUR, config.model_copy(update={"pacing": False})) == 1000


def test_a_pacing_curve_releases_more_in_busy_hours() -> None:
    curve = [0.0] * 12 + [1.0] * 12  # all traffic after noon
    config = AdsConfig(pacing_curve=curve, pacing_headroom=0.1)
    assert elapsed_share(11 * HOUR, config) == 0.0
    assert elapsed_share(18 * HOUR, config) == 0.5
    assert 1000 * released_share(11 * HOUR, config) == pytest.approx(100)


def test_the_day_offset_moves_midnight() -> None:
    config = AdsConfig(day_offset_s=8 * 3600)
    assert day_of(DAY - 8 * HOUR - 1, config) == 0
    assert day_of(DAY - 8 * HOUR, config) == 1


def test_a_campaign_ahead_of_schedule_is_back_when_the_released_share_covers_its_spend() -> None:
    even = AdsConfig(pacing=True, pacing_headroom=0.0)
    assert back_on_schedule_at(500, 1000, 6 * HOUR, even) == 12 * HOUR
    assert back_on_schedule_at(500, 1000, DAY + 6 * HOUR, even) == DAY + 12 * HOUR
    noon = AdsConfig(pacing=True, pacing_curve=[0.0] * 12 + [1.0] * 12, pacing_headroom=0.1)
    assert back_on_schedule_at(600, 1000, 13 * HOUR, noon) == pytest.approx(18 * HOUR)
    assert back_on_schedule_at(1000, 1000, 13 * HOUR, noon) == DAY  # spent: tomorrow
    shifted = AdsConfig(pacing=False, day_offset_s=8 * 3600)
    assert back_on_schedule_at(1000, 1000, 20 * HOUR, shifted) == DAY + 16 * HOUR


@given(
    st.floats(0, 3 * DAY),
    st.integers(1, 10_000),
    st.floats(0, 1),
    st.sampled_from([None, [0.0] * 12 + [1.0] * 12, [1.0, 3.0, 0.0, 2.0] * 6]),
)
def test_back_on_schedule_is_the_first_moment_the_released_budget_covers_the_spend(
    now: float, budget: int, spent_share: float, curve: list[float] | None
) -> None:
    config = AdsConfig(pacing=True, pacing_headroom=0.05, pacing_curve=curve)
    spent = round(budget * spent_share)
    if spent < budget * released_share(now, config):
        return  # on schedule: nothing to hold
    back = back_on_schedule_at(spent, budget, now, config)
    assert back >= now
    if spent >= budget:
        assert day_of(back, config) == day_of(now, config) + 1
        return
    assert budget * released_share(back + 1e-3, config) >= spent
    if back > now + 1e-3:
        assert budget * released_share(back - 1e-3, config) <= spent + 1e-6


def spend_by(world: World, hour: float, reads: int = 20) -> int:
    """Serve `reads` one-ad feed pages at `hour` of day 0; the campaign's spend after.

    The lone campaign pays the reserve, 20 000 fen per mille: 20 fen per impression.
    """
    world.clock.now = hour * HOUR
    campaign = world.campaign(bid=20_000, daily_budget=1000)
    reader = world.reader(posts=1)
    for _ in range(reads):
        world.blog.feed.home(reader.id)
    return world.blog.ads.report(campaign.owner_id, campaign.id).spent


def test_pacing_throttles_early_day_spend(make_world: MakeWorld) -> None:
    """At 1 h a paced campaign may spend 1/24 + 5 % of its day (plus one 20 fen charge)."""
    paced = spend_by(make_world(**PACED, pacing_headroom=0.05), hour=1)
    unpaced = spend_by(make_world(**{**PACED, "pacing": False}), hour=1)
    assert 0 < paced <= 1000 * (1 / 24 + 0.05) + 20
    assert unpaced == 400  # 20 pages x 20 fen: nothing held it back


def test_a_paced_campaign_spends_more_as_the_day_goes_on(make_world: MakeWorld) -> None:
    early = spend_by(make_world(**PACED), hour=1)
    late = spend_by(make_world(**PACED), hour=20)
    assert late > early
