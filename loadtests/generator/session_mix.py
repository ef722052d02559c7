"""What a load-test session does besides its own calls, derived from the scenario (pure).

The simulator's influencers and merchants post on a timetable of their own
(sim/activities/schedule.py), not in sessions; a load test has no timetable, so each session
brings the scheduled posts due for it. Per session, the expected posts of each posting kind
are that kind's accounts times its `behaviour.posting.*_posts_per_day`, over the
population's sessions a day (users × `daily_active_share` × `sessions_per_day`): the users
cancel out, so it is the kind's share of the population times its posts a day over the
sessions a day of one account. With the defaults: (0.0005 × 5 + 0.005 × 3 + 0.01 × 2) /
(0.43 × 6) = 0.0145 scheduled posts per session, against 0.08 of the session's own posts.

The third-party apps (sim/activities/apps.py) poll on their own clock too: each
(app, user) pair once per mean poll interval, a `post_share` of the calls posting, and
`purchases_per_user_day` purchases. Per session they bring that traffic over the sessions of
the simulated window (after its warm-up), where sessions follow the diurnal curve and apps do
not: for ci-smoke's evening, 80 pairs polling every 240 s against 2,000 users' sessions.

The fan services (sim/activities/fanservice.py) broadcast on the diurnal curve, as sessions
come: per session, the open services (`open_share` of the certified accounts) times
`broadcasts_per_day`, over the sessions a day. Followers subscribe at `subscribe_rate` a
day, flat over the day, each leaving the waiting pool as it does: a follower waiting at the
start subscribes within the measured window with probability exp(-rate × warm-up days) -
exp(-rate × duration days). The waiting followers are `open_share` × (1 -
`subscriber_share`) of the certified accounts' followers in the simulator's own population
(loadtests.control.seed_fanservice draws it, with the scenario's seed), since certified
accounts are those ranked highest by followers there; their subscriptions are counted over
the window's sessions, as the apps' calls are.

This module does not import Locust.
"""

from __future__ import annotations

import math
from typing import Literal

from scenario import Scenario
from sim.arrivals import SECONDS_PER_DAY, clock_segments, diurnal_profile

Poster = Literal["big_v", "medium_v", "merchant"]
AppCall = Literal["app_poll", "app_post", "app_purchase"]
FanServiceCall = Literal["fanservice_broadcast", "fanservice_subscribe"]


def scheduled_posts_per_session(scenario: Scenario) -> dict[Poster, float]:
    """Mean scheduled posts of each posting kind per session (see module docstring)."""
    population, behaviour = scenario.population, scenario.behaviour
    posting = behaviour.posting
    sessions_per_account = behaviour.daily_active_share * behaviour.sessions_per_day
    per_day: dict[Poster, float] = {
        "big_v": population.big_v_share * posting.big_v_posts_per_day,
        "medium_v": population.medium_v_share * posting.medium_v_posts_per_day,
        "merchant": population.merchant_share * posting.merchant_posts_per_day,
    }
    return {kind: posts / sessions_per_account for kind, posts in per_day.items()}


def mean_think_s(scenario: Scenario) -> float:
    """Mean pause between two calls of a load-test session: the simulator's, scaled."""
    return scenario.behaviour.think_time_s * scenario.loadtest.think_time_scale


def app_calls_per_session(scenario: Scenario) -> dict[AppCall, float]:
    """Mean calls of the apps per session, by path, over the measured window (see above)."""
    apps, users = scenario.apps, scenario.population.users
    sessions, window_s = _window_sessions(scenario)
    if sessions <= 0:
        return {"app_poll": 0.0, "app_post": 0.0, "app_purchase": 0.0}
    pairs = apps.count * min(apps.users_per_app, users)
    calls = pairs * window_s / ((apps.poll_interval_min_s + apps.poll_interval_max_s) / 2)
    purchases = pairs * apps.purchases_per_user_day * window_s / SECONDS_PER_DAY
    return {
        "app_poll": calls * (1 - apps.post_share) / sessions,
        "app_post": calls * apps.post_share / sessions,
        "app_purchase": purchases / sessions,
    }


def fanservice_calls_per_session(
    scenario: Scenario, certified: int, followers: int
) -> dict[FanServiceCall, float]:
    """Mean fan-service broadcasts and subscriptions per session, for a simulated population
    of `certified` certified accounts with `followers` followers (see module docstring)."""
    config, behaviour = scenario.behaviour.fanservice, scenario.behaviour
    users = scenario.population.users
    sessions_a_day = users * behaviour.daily_active_share * behaviour.sessions_per_day
    waiting = config.open_share * (1 - config.subscriber_share) * followers
    rate = config.subscribe_rate
    taken = math.exp(-rate * scenario.warmup_days) - math.exp(-rate * scenario.duration_days)
    sessions, _ = _window_sessions(scenario)
    broadcasts = config.open_share * certified * config.broadcasts_per_day
    return {
        "fanservice_broadcast": broadcasts / sessions_a_day if sessions_a_day > 0 else 0.0,
        "fanservice_subscribe": float(waiting * taken / sessions) if sessions > 0 else 0.0,
    }


def _window_sessions(scenario: Scenario) -> tuple[float, float]:
    """The population's sessions in the measured window (after the warm-up, on the
    diurnal curve) and the window's length in seconds."""
    behaviour = scenario.behaviour
    start_s = scenario.warmup_days * SECONDS_PER_DAY
    end_s = scenario.duration_days * SECONDS_PER_DAY
    diurnal = diurnal_profile(behaviour.diurnal)
    session_days = sum(
        diurnal[segment.hour_of_day] * (segment.end_s - segment.start_s) / SECONDS_PER_DAY
        for segment in clock_segments(scenario.start_hour, start_s, end_s)
    )
    users = scenario.population.users
    sessions = users * behaviour.daily_active_share * behaviour.sessions_per_day * session_days
    return sessions, end_s - start_s
