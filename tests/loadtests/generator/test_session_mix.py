"""Scheduled posts, apps and fan services keep the simulator's ratio to sessions; think
time is scaled."""

from __future__ import annotations

import math

import pytest

from loadtests.generator.session_mix import (
    app_calls_per_session,
    fanservice_calls_per_session,
    mean_think_s,
    scheduled_posts_per_session,
)
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


FLAT_DAY = "behaviour.diurnal=[" + ",".join(["1"] * 24) + "]"


def test_app_calls_per_session_are_the_pairs_calls_over_the_windows_sessions() -> None:
    """4 apps x 20 users polling every 240 s for 6 h: 7,200 calls, 2 % of them posts; 80
    pairs x 0.05 purchases a day x 0.25 day; over 2,000 x 0.43 x 6 x 0.25 sessions."""
    per_session = app_calls_per_session(load_scenario("scenarios/ci-smoke.yaml", [FLAT_DAY]))
    sessions = 2000 * 0.43 * 6 * 0.25
    assert per_session["app_poll"] == pytest.approx(7200 * 0.98 / sessions)
    assert per_session["app_post"] == pytest.approx(7200 * 0.02 / sessions)
    assert per_session["app_purchase"] == pytest.approx(80 * 0.05 * 0.25 / sessions)


def test_apps_poll_flat_while_sessions_follow_the_day() -> None:
    """The same apps against an evening twice as busy as the flat day's: half the calls."""
    evening = "behaviour.diurnal=[" + ",".join(["1"] * 18 + ["3"] * 6) + "]"
    flat = app_calls_per_session(load_scenario("scenarios/ci-smoke.yaml", [FLAT_DAY]))
    busy = app_calls_per_session(load_scenario("scenarios/ci-smoke.yaml", [evening]))
    assert busy["app_poll"] == pytest.approx(flat["app_poll"] / 2)


def test_no_apps_no_app_calls() -> None:
    sets = ["apps.normal=0", "apps.medium=0", "apps.advanced=0"]
    per_session = app_calls_per_session(load_scenario("scenarios/ci-smoke.yaml", sets))
    assert set(per_session.values()) == {0.0}


def test_fanservice_broadcasts_per_session_are_open_services_rate_over_sessions_a_day() -> None:
    """0.3 of 31 certified accounts × 1 broadcast a day over 2,000 × 0.43 × 6 sessions."""
    scenario = load_scenario(
        "scenarios/ci-smoke.yaml", ["behaviour.fanservice.broadcasts_per_day=1"]
    )
    per_session = fanservice_calls_per_session(scenario, certified=31, followers=0)
    assert per_session["fanservice_broadcast"] == pytest.approx(0.3 * 31 / (2000 * 0.43 * 6))
    assert per_session["fanservice_subscribe"] == 0


def test_fanservice_subscriptions_drain_the_waiting_followers_over_the_window() -> None:
    """1,000 followers: 0.3 × 0.9 of them wait and 1 - exp(-2 × 0.25) subscribe by the end,
    over a flat day's 2,000 × 0.43 × 6 × 0.25 sessions."""
    scenario = load_scenario(
        "scenarios/ci-smoke.yaml", [FLAT_DAY, "behaviour.fanservice.subscribe_rate=2"]
    )
    per_session = fanservice_calls_per_session(scenario, certified=31, followers=1000)
    expected = 1000 * 0.3 * 0.9 * (1 - math.exp(-0.5)) / (2000 * 0.43 * 6 * 0.25)
    assert per_session["fanservice_subscribe"] == pytest.approx(expected)


def test_no_open_services_no_fanservice_calls() -> None:
    scenario = load_scenario("scenarios/ci-smoke.yaml", ["behaviour.fanservice.open_share=0"])
    per_session = fanservice_calls_per_session(scenario, certified=31, followers=1000)
    assert set(per_session.values()) == {0.0}
