"""Scheduled posts keep the simulator's ratio to sessions; think time is scaled for tests."""

from __future__ import annotations

import pytest

from loadtests.generator.session_mix import mean_think_s, scheduled_posts_per_session
from scenario import load_scenario


def test_default_scheduled_posts_per_session_follow_the_population_and_posting() -> None:
    """(0.0005 × 5 + 0.005 × 3 + 0.01 × 2) / (0.43 × 6) with the defaults."""
    scenario = load_scenario("scenarios/ci-smoke.yaml")
    per_session = scheduled_posts_per_session(scenario)
    assert sum(per_session.values()) == pytest.approx(0.0375 / 2.58)
    assert per_session["merchant"] == pytest.approx(0.02 / 2.58)


def test_twice_the_sessions_halve_the_scheduled_posts_per_session() -> None:
    base = scheduled_posts_per_session(load_scenario("scenarios/ci-smoke.yaml"))
    busier = scheduled_posts_per_session(
        load_scenario("scenarios/ci-smoke.yaml", ["behaviour.sessions_per_day=12"])
    )
    assert all(busier[kind] == pytest.approx(base[kind] / 2) for kind in base)


def test_no_merchants_no_merchant_posts() -> None:
    scenario = load_scenario("scenarios/ci-smoke.yaml", ["population.merchant_share=0"])
    assert scheduled_posts_per_session(scenario)["merchant"] == 0


def test_think_time_is_the_simulators_scaled() -> None:
    sets = ["behaviour.think_time_s=8", "loadtest.think_time_scale=0.25"]
    assert mean_think_s(load_scenario("scenarios/ci-smoke.yaml", sets)) == pytest.approx(2.0)
