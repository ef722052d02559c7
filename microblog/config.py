"""Platform configuration: the knobs of the reference microblog itself (not of a scenario)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from microblog.ads_config import AdsConfig
from microblog.apps_config import AppsConfig
from microblog.cache.presence import PresenceTierConfig
from microblog.fanservice_config import FanServiceConfig
from microblog.live_config import LiveConfig
from microblog.media_config import MediaConfig
from microblog.membership_config import MembershipConfig
from microblog.money_config import MoneyConfig
from microblog.push_config import PushConfig
from microblog.rate_limit_config import RateLimitConfig


class FanoutStrategy(StrEnum):
    """How a post reaches followers' home timelines."""

    PUSH = "push"
    """Fan-out on write into each follower's bounded home timeline."""
    PULL = "pull"
    """Merge followees' recent posts on every read."""
    HYBRID = "hybrid"
    """Push for authors below `hybrid_threshold` followers, pull for those above."""


class PlatformConfig(BaseModel):
    """Rules of the platform that change work done, never what a user is allowed to see."""

    fanout: FanoutStrategy = FanoutStrategy.PUSH
    hybrid_threshold: int = Field(
        10_000, ge=1, description="Follower count at which hybrid stops pushing an author's posts."
    )
    timeline_capacity: int = Field(
        800, ge=1, description="Entries kept per home timeline (Twitter keeps 800)."
    )
    max_post_chars: int = Field(2000, ge=1, description="Longest post text, in characters.")
    max_page_size: int = Field(100, ge=1, description="Largest page any list endpoint returns.")
    fanout_chunk: int = Field(
        1000, ge=1, description="Followers delivered per fan-out batch (one store transaction)."
    )
    post_cache_ttl_s: int = Field(
        300,
        ge=1,
        description="Seconds a post body stays in a shared cache tier (assumption: a post is "
        "hot for minutes); also bounds how long a read racing an edit can keep the old body.",
    )
    post_memo_entries: int = Field(
        100_000,
        ge=1,
        description="Post bodies a server process keeps in its own memory when the cache "
        "tier is memory and the store SQL (assumption: the posts on recent home timelines; "
        "about 400 bytes each, so 40 MB); Redis keeps them instead when there is one.",
    )
    token_cache_ttl_s: int = Field(
        3600, ge=1, description="Seconds a token's account stays cached (assumption: a session)."
    )
    idempotency_cache_ttl_s: int = Field(
        86_400,
        ge=1,
        description="Seconds a finished payment's idempotency key stays in a shared cache "
        "tier (assumption: clients retry within a day); the store's record never expires, "
        "so an older retry is still replayed, by the store.",
    )
    token_memo_entries: int = Field(
        100_000,
        ge=1,
        description="Token lookups each server process remembers in its own memory, ahead "
        "of the cache tier and the store (assumption: the tokens active on one app host; "
        "about 150 bytes each, so 15 MB). Safe because a token never changes account.",
    )
    password_time_cost: int = Field(2, ge=1, description="Argon2 passes per password hash.")
    password_memory_kib: int = Field(19_456, ge=8, description="Argon2 memory per hash, KiB.")
    max_message_chars: int = Field(2000, ge=1, description="Longest chat message, in characters.")
    chat_delivery_batch: int = Field(
        500, ge=1, description="Undelivered chat messages pushed per store round trip."
    )
    presence: PresenceTierConfig = Field(
        default_factory=PresenceTierConfig,
        description="Presence and chat delivery across server processes (Redis tier only).",
    )
    money: MoneyConfig = Field(
        default_factory=MoneyConfig,
        description="Take rates, limits, games catalogue and top-up gateway (coins, in fen).",
    )
    ad_load: float = Field(
        default=0.0,
        ge=0,
        lt=1,
        description="Fraction of home-feed slots that carry ads; 0 = no ads "
        "(the slot rule is in microblog.services.feed).",
    )
    ads: AdsConfig = Field(default_factory=AdsConfig, description="Ad server rules.")
    apps: AppsConfig = Field(default_factory=AppsConfig, description="Third-party apps.")
    rate_limits: RateLimitConfig = Field(
        default_factory=RateLimitConfig,
        description="Published per-IP, per-user and per-action limits of the HTTP API.",
    )
    media: MediaConfig = Field(
        default_factory=MediaConfig, description="Photo upload limits and thumbnails."
    )
    live: LiveConfig = Field(
        default_factory=LiveConfig, description="Live broadcast: gift share, list tilt, limits."
    )
    fanservice: FanServiceConfig = Field(
        default_factory=FanServiceConfig,
        description="Fan services: message limits, developer-mode callbacks and signatures.",
    )
    push: PushConfig = Field(
        default_factory=PushConfig, description="Push notifications to mobile sessions."
    )
    memberships: MembershipConfig = Field(
        default_factory=MembershipConfig, description="Paid membership: fee, period, benefits."
    )
