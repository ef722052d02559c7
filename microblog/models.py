"""Domain records shared by the services and both storage backends.

Plain slotted dataclasses: cheap enough for million-user simulations, and free of any
storage or HTTP concern. Ids are sequential integers so that runs are reproducible and
"newest first" is simply "highest id first".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")

MAX_ID = 2**63 - 1
"""Largest id, or other whole number, any store holds: a signed 64-bit integer, as the SQL
stores keep them (a larger one overflows the database driver rather than missing a row)."""


class Role(StrEnum):
    USER = "user"
    INFLUENCER = "influencer"
    MERCHANT = "merchant"
    ADVERTISER = "advertiser"


class Tier(StrEnum):
    """Verified influencer tiers on Weibo: "big V" and "medium V"."""

    BIG_V = "big_v"
    MEDIUM_V = "medium_v"


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    UNDISCLOSED = "undisclosed"


class AgeBand(StrEnum):
    UNDER_18 = "under_18"
    AGE_18_24 = "18_24"
    AGE_25_34 = "25_34"
    AGE_35_44 = "35_44"
    AGE_45_PLUS = "45_plus"
    UNDISCLOSED = "undisclosed"


@dataclass(slots=True)
class Profile:
    """What advertisers and merchants may target."""

    interests: list[str] = field(default_factory=list)
    region: str = "unknown"
    gender: Gender = Gender.UNDISCLOSED
    age_band: AgeBand = AgeBand.UNDISCLOSED


@dataclass(frozen=True, slots=True)
class Account:
    """An account as stored. Immutable, like `Post`: a change is a new record, so the memory
    backend hands the stored one to every reader. (Its profile is the stored one too; do not
    mutate its lists.)"""

    id: int
    name: str
    role: Role
    profile: Profile
    tier: Tier | None = None
    verified: bool = False
    created_at: float = 0.0
    follower_count: int = 0
    followee_count: int = 0


@dataclass(frozen=True, slots=True)
class Post:
    """A post as stored. Immutable: a change is a new record (`dataclasses.replace`), so the
    memory backend can hand the same object to every reader instead of a copy each."""

    id: int
    author_id: int
    text: str
    created_at: float
    group_id: int | None = None
    repost_of: int | None = None
    pushed: bool = False
    """True when fan-out on write delivered it; hybrid reads pull the rest."""
    deleted: bool = False
    edited_at: float | None = None
    like_count: int = 0
    comment_count: int = 0
    repost_count: int = 0
    photo_ids: tuple[int, ...] = ()
    """Photos attached at posting, in order (a photo deleted since shows as removed)."""


@dataclass(slots=True)
class Comment:
    id: int
    post_id: int
    author_id: int
    text: str
    created_at: float


@dataclass(slots=True)
class Group:
    id: int
    name: str
    owner_id: int
    created_at: float
    member_count: int = 0


@dataclass(slots=True)
class Page(Generic[T]):
    """One page of a newest-first list; `next_cursor` is None on the last page."""

    items: list[T]
    next_cursor: str | None
