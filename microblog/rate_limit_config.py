"""The platform's published rate limits (Weibo open platform, API v2 documentation, 2011-12).

Every figure is the documented one, cited. `fanout serve` enforces them (unless
`--no-rate-limits`); the library default leaves them off, and a scenario switches them on
(`platform.rate_limits`) for a simulation or load test that studies the platform's
defence, since a load test from one host would otherwise meet the per-IP limit within
minutes and measure the limit instead of the platform.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

API_V2 = "Weibo open platform API v2 documentation, 'Rate limiting' (2011-2012)"


class AppTier(StrEnum):
    """Authorisation levels of an app, each with its hourly calls per authorised user."""

    NORMAL = "normal"
    MEDIUM = "medium"
    ADVANCED = "advanced"


class Action(StrEnum):
    """Writes limited per user on top of the hourly API calls."""

    POST = "post"
    COMMENT = "comment"
    MESSAGE = "message"
    FOLLOW = "follow"


class ActionLimit(BaseModel):
    per_hour: int = Field(ge=1, description="Most of these actions per user per hour.")
    per_day: int | None = Field(
        None, ge=1, description="Most per user per day (none when unpublished)."
    )


class ActionLimits(BaseModel):
    """Per user: posting 30/hour, comments 60/hour, private messages 60/hour, follows
    60/hour and 200/day (source: Weibo open platform API v2 documentation, 2011-2012)."""

    post: ActionLimit = Field(default_factory=lambda: ActionLimit(per_hour=30))
    comment: ActionLimit = Field(default_factory=lambda: ActionLimit(per_hour=60))
    message: ActionLimit = Field(default_factory=lambda: ActionLimit(per_hour=60))
    follow: ActionLimit = Field(default_factory=lambda: ActionLimit(per_hour=60, per_day=200))

    def of(self, action: Action) -> ActionLimit:
        limit: ActionLimit = getattr(self, action.value)
        return limit


class TierLimits(BaseModel):
    """API calls per authorised user per app per window, by the app's authorisation level
    (source: Weibo open platform API v2 documentation, 2011-2012)."""

    normal: int = Field(150, ge=1)
    medium: int = Field(300, ge=1)
    advanced: int = Field(450, ge=1)

    def of(self, tier: AppTier) -> int:
        calls: int = getattr(self, tier.value)
        return calls


class RateLimitConfig(BaseModel):
    """Fixed windows: a window opens at its first call and resets `window_s` later (the
    published `reset_time`)."""

    enabled: bool = Field(
        False,
        description="Whether the HTTP API enforces these limits (`fanout serve` turns them on).",
    )
    window_s: int = Field(
        3600, ge=1, description=f"The limit time unit, seconds (HOURS; source: {API_V2})."
    )
    ip_per_hour: int = Field(
        10_000,
        ge=1,
        description="API calls per client IP per window (source: the rate_limit_status "
        f"example of {API_V2}: 10,000; the documentation allows up to 15,000).",
    )
    user_per_hour: TierLimits = Field(
        default_factory=TierLimits,
        description="API calls per authorised user per app per window, by the app's "
        f"authorisation level: normal 150, medium 300, advanced 450 (source: {API_V2}).",
    )
    first_party_tier: AppTier = Field(
        AppTier.NORMAL,
        description="The level first-party bearer tokens are held to (assumption: the "
        "platform's own clients get no more than a normal app).",
    )
    actions: ActionLimits = Field(
        default_factory=ActionLimits,
        description="Per user: posting 30/hour, comments 60/hour, private messages 60/hour, "
        f"follows 60/hour and 200/day (source: {API_V2}).",
    )

    def per_user(self, tier: AppTier, override: int | None = None) -> int:
        """Calls per user per window of an app: the operator's setting for the app (`PUT
        /admin/apps/{client_id}/limits`) when there is one, else its tier's."""
        return override if override is not None else self.user_per_hour.of(tier)
