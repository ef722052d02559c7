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

This module does not import Locust.
"""

from __future__ import annotations

from typing import Literal

from scenario import Scenario
from sim.arrivals import SECONDS_PER_DAY, clock_segments, diurnal_profile

Poster = Literal["big_v", "medium_v", "merchant"]
AppCall = Literal["app_poll", "app_post", "app_purchase"]


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
    apps, behaviour = scenario.apps, scenario.behaviour
    start_s, end_s = (
        scenario.warmup_days * SECONDS_PER_DAY,
        scenario.duration_days * SECONDS_PER_DAY,
    )
    diurnal = diurnal_profile(behaviour.diurnal)
    session_days = sum(
        diurnal[segment.hour_of_day] * (segment.end_s - segment.start_s) / SECONDS_PER_DAY
        for segment in clock_segments(scenario.start_hour, start_s, end_s)
    )
    users = scenario.population.users
    sessions = users * behaviour.daily_active_share * behaviour.sessions_per_day * session_days
    if sessions <= 0:
        return {"app_poll": 0.0, "app_post": 0.0, "app_purchase": 0.0}
    pairs = apps.count * min(apps.users_per_app, users)
    calls = pairs * (end_s - start_s) / ((apps.poll_interval_min_s + apps.poll_interval_max_s) / 2)
    purchases = pairs * apps.purchases_per_user_day * (end_s - start_s) / SECONDS_PER_DAY
    return {
        "app_poll": calls * (1 - apps.post_share) / sessions,
        "app_post": calls * apps.post_share / sessions,
        "app_purchase": purchases / sessions,
    }
