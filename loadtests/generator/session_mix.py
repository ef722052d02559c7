"""What a load-test session does besides its own calls, derived from the scenario (pure).

The simulator's influencers and merchants post on a timetable of their own
(sim/activities/schedule.py), not in sessions; a load test has no timetable, so each session
brings the scheduled posts due for it. Per session, the expected posts of each posting kind
are that kind's accounts times its `behaviour.posting.*_posts_per_day`, over the
population's sessions a day (users × `daily_active_share` × `sessions_per_day`): the users
cancel out, so it is the kind's share of the population times its posts a day over the
sessions a day of one account. With the defaults: (0.0005 × 5 + 0.005 × 3 + 0.01 × 2) /
(0.43 × 6) = 0.0145 scheduled posts per session, against 0.08 of the session's own posts.

This module does not import Locust.
"""

from __future__ import annotations

from typing import Literal

from scenario import Scenario

Poster = Literal["big_v", "medium_v", "merchant"]


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
