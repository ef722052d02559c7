"""Rate-limit counters on the cache tier: one count across processes with Redis, and the
exhausted limit told apart."""

from __future__ import annotations

import time

import pytest

from microblog.cache import open_cache
from microblog.cache.rate_limits import Caller, RateLimiter, Throttled
from microblog.rate_limit_config import Action, AppTier, RateLimitConfig
from tests.backends import redis_cache

CONFIG = RateLimitConfig.model_validate(
    {"enabled": True, "ip_per_hour": 1000, "user_per_hour": {"normal": 3, "advanced": 5}}
)


def test_limiters_of_two_processes_share_one_count_in_redis() -> None:
    with redis_cache() as tier:
        # A second client of the same Redis and prefix, as another server process has.
        other = open_cache(tier.url, tier.prefix)
        try:
            first, second = RateLimiter(tier, CONFIG), RateLimiter(other, CONFIG)
            caller = Caller("10.0.0.1", account_id=7)
            first.charge_call(caller)
            second.charge_call(caller)
            (remaining,) = [q.remaining for q in first.charge_call(caller) if q.name == "user"]
            assert remaining == 0
            with pytest.raises(Throttled) as raised:
                second.charge_call(caller)
            assert raised.value.quota.name == "user" and raised.value.retry_after_s > 0
        finally:
            other.close()


def test_memory_tier_limiters_count_apart() -> None:
    """The memory tier is one process's: another limiter (process) has its own counts."""
    caller = Caller("10.0.0.1", account_id=7)
    first, second = RateLimiter(open_cache(), CONFIG), RateLimiter(open_cache(), CONFIG)
    for _ in range(3):
        first.charge_call(caller)
    assert second.charge_call(caller)[1].remaining == 2


def test_the_tier_sets_the_user_limit_and_apps_count_apart() -> None:
    limiter = RateLimiter(open_cache(), CONFIG)
    advanced = Caller("10.0.0.1", account_id=7, tier=AppTier.ADVANCED, app="app-1")
    assert limiter.status(advanced)["user"].limit == 5
    limiter.charge_call(advanced)
    other_app = Caller("10.0.0.1", account_id=7, tier=AppTier.ADVANCED, app="app-2")
    assert limiter.status(other_app)["user"].remaining == 5
    assert limiter.status(advanced)["user"].remaining == 4


def test_a_daily_limit_outlasts_the_hourly_window() -> None:
    config = RateLimitConfig.model_validate(
        {"enabled": True, "actions": {"follow": {"per_hour": 10, "per_day": 1}}}
    )
    limiter = RateLimiter(open_cache(), config)
    limiter.charge_action(3, Action.FOLLOW)
    with pytest.raises(Throttled) as raised:
        limiter.charge_action(3, Action.FOLLOW)
    assert raised.value.quota.name == "follow_daily"
    assert raised.value.retry_after_s > config.window_s
    assert raised.value.quota.reset_at > time.time() + config.window_s
