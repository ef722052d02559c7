"""Rate-limit counters on the cache tier, through the `limits` library.

The memory tier keeps them in this process (`limits.storage.MemoryStorage`); the Redis
tier keeps them in Redis under the tier's prefix (`RedisStorage` over the tier's own
connection pool), so every server process counts against the same limits. Windows are
fixed: a window opens at its first call and its counts reset `window_s` later, the
published `reset_time`. Counters are state safe to lose: a lost one only forgives calls.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import FixedWindowRateLimiter

from microblog.cache import CacheTier
from microblog.errors import DomainError
from microblog.rate_limit_config import Action, AppTier, RateLimitConfig
from microblog.work import record

DAY_S = 86_400

Limit = tuple[str, RateLimitItem, tuple[str, ...]]
"""A limit's name (as clients see it), its rate, and the identifiers its counter is kept by."""


@dataclass(frozen=True, slots=True)
class Quota:
    """One limit as it stands after a call: what it allows, what is left, when it resets."""

    name: str
    limit: int
    remaining: int
    reset_at: float
    """Epoch seconds at which the window's count starts again."""

    def reset_in(self, now: float) -> int:
        return max(0, math.ceil(self.reset_at - now))


class Throttled(DomainError):
    """A call over a limit: 429, with the exhausted limit and when to retry."""

    status = 429
    code = "rate_limited"

    def __init__(self, exhausted: Quota, now: float) -> None:
        super().__init__(
            f"{exhausted.name} limit of {exhausted.limit} per window reached; "
            f"retry in {exhausted.reset_in(now)} s",
            field=exhausted.name,
        )
        self.quota = exhausted
        self.retry_after_s = exhausted.reset_in(now)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who a call counts against: its client IP and, when known, its account and tier."""

    ip: str
    account_id: int | None = None
    tier: AppTier = AppTier.NORMAL
    app: str = "first-party"
    user_per_hour: int | None = None
    """The app's own limit an operator set, overriding its tier's."""


def _storage(tier: CacheTier) -> Storage:
    if tier.redis is None:
        return MemoryStorage()
    pool = tier.redis.connection_pool
    return RedisStorage(tier.url, connection_pool=pool, key_prefix=tier.key("limits"))


class RateLimiter:
    def __init__(self, tier: CacheTier, config: RateLimitConfig) -> None:
        self.config = config
        self._limiter = FixedWindowRateLimiter(_storage(tier))

    @property
    def enabled(self) -> bool:
        return self.config.enabled

    def charge_call(self, caller: Caller) -> list[Quota]:
        """Count one API call against the caller's IP and user limits; `Throttled` when
        one is exhausted."""
        return self._charge(self._call_limits(caller))

    def charge_action(self, account_id: int, action: Action) -> list[Quota]:
        """Count one write (post, comment, message, follow) against its per-user limits."""
        return self._charge(self._action_limits(account_id, action))

    def status(self, caller: Caller) -> dict[str, Quota]:
        """Every limit the caller is under, without counting a call."""
        named = self._call_limits(caller)
        if caller.account_id is not None:
            for action in Action:
                named += self._action_limits(caller.account_id, action)
        return {name: self._quota(name, item, ids) for name, item, ids in named}

    def _call_limits(self, caller: Caller) -> list[Limit]:
        window = self.config.window_s
        limits: list[Limit] = [
            ("ip", RateLimitItemPerSecond(self.config.ip_per_hour, window), ("ip", caller.ip))
        ]
        if caller.account_id is not None:
            per_user = self.config.per_user(caller.tier, caller.user_per_hour)
            ids = ("user", caller.app, str(caller.account_id))
            limits.append(("user", RateLimitItemPerSecond(per_user, window), ids))
        return limits

    def _action_limits(self, account_id: int, action: Action) -> list[Limit]:
        rule = self.config.actions.of(action)
        ids = (action.value, str(account_id))
        limits: list[Limit] = [
            (action.value, RateLimitItemPerSecond(rule.per_hour, self.config.window_s), ids)
        ]
        if rule.per_day is not None:
            limits.append(
                (f"{action.value}_daily", RateLimitItemPerSecond(rule.per_day, DAY_S), ids)
            )
        return limits

    def _charge(self, named: list[Limit]) -> list[Quota]:
        quotas = []
        for name, item, ids in named:
            allowed = self._limiter.hit(item, *ids)
            quota = self._quota(name, item, ids)
            if not allowed:
                raise Throttled(quota, time.time())
            quotas.append(quota)
        record(cache_writes=len(named))
        return quotas

    def _quota(self, name: str, item: RateLimitItem, ids: tuple[str, ...]) -> Quota:
        stats = self._limiter.get_window_stats(item, *ids)
        return Quota(name, item.amount, stats.remaining, stats.reset_time)
