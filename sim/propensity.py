"""How often each account comes, and how much of what it writes: per-user rates.

Sessions. Each account's sessions are a Poisson process whose daily rate is drawn from a
Gamma distribution. Its mean is `daily_active_share × sessions_per_day` (sessions per
account per day); its shape k is solved so that the expected share of accounts with at
least one session in a day, 1 − (1 + mean/k)^−k, equals `daily_active_share`. Active users
then average `sessions_per_day` sessions, as the scenario says, and the small shapes this
gives (k ≈ 0.2 at the defaults) are the heavy tail of real activity: a few people open the
app all day, most drop by now and then.

Posts. Ordinary users write `per_session.post` posts per session on average, but a random
`top_user_share` of them write `top_post_share` of those posts (Pew: 10 % of users write
80 % of tweets); influencers and merchants post on their own schedule (see
`sim.activities.schedule`).
"""

from __future__ import annotations

import math

import numpy as np

from scenario.behaviour import BehaviourConfig

SHAPE_BOUNDS = (1e-4, 1e4)
"""Range searched for the Gamma shape; beyond it the share moves by less than 1e-4."""


def active_share(shape: float, mean_sessions: float) -> float:
    """Expected share of accounts with a session in a day: 1 − E[exp(−rate)], rate ~ Gamma."""
    return 1.0 - math.exp(-shape * math.log1p(mean_sessions / shape))


def activity_shape(daily_active_share: float, sessions_per_day: float) -> float:
    """The Gamma shape that makes `daily_active_share` of accounts active on a given day."""
    mean_sessions = daily_active_share * sessions_per_day
    low, high = SHAPE_BOUNDS
    if active_share(high, mean_sessions) < daily_active_share:
        return high
    for _ in range(100):
        middle = math.sqrt(low * high)
        if active_share(middle, mean_sessions) < daily_active_share:
            low = middle
        else:
            high = middle
    return math.sqrt(low * high)


def session_rates(users: int, behaviour: BehaviourConfig, rng: np.random.Generator) -> np.ndarray:
    """Expected sessions per day of each account (their mean is exact, not just expected)."""
    mean_sessions = behaviour.daily_active_share * behaviour.sessions_per_day
    shape = activity_shape(behaviour.daily_active_share, behaviour.sessions_per_day)
    draws = rng.gamma(shape, 1.0, users)
    return mean_sessions * draws / max(float(draws.mean()), np.finfo(float).tiny)


def top_posters(
    writers: np.ndarray, behaviour: BehaviourConfig, rng: np.random.Generator
) -> np.ndarray:
    """The most active posters: a random `top_user_share` of the writers (row indices)."""
    candidates = np.flatnonzero(writers)
    top_count = round(behaviour.posting.top_user_share * candidates.size)
    return rng.choice(candidates, size=top_count, replace=False)


def post_rates(
    sessions: np.ndarray, writers: np.ndarray, top: np.ndarray, behaviour: BehaviourConfig
) -> np.ndarray:
    """Mean posts per session of each account; zero where `writers` is False.

    The most active posters (`top`, from `top_posters`) write `top_post_share` of the
    writers' expected posts; the others share the rest.
    """
    rates = np.zeros(sessions.size)
    candidates = np.flatnonzero(writers)
    if candidates.size == 0:
        return rates
    posting = behaviour.posting
    others = np.setdiff1d(candidates, top, assume_unique=True)
    expected_posts = behaviour.per_session.post * sessions[candidates].sum()
    for group, share in ((top, posting.top_post_share), (others, 1.0 - posting.top_post_share)):
        group_sessions = sessions[group].sum()
        if group_sessions > 0:
            rates[group] = share * expected_posts / group_sessions
    return rates
