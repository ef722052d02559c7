"""Fan services: a certified account's channel to the followers who subscribe to it.

Weibo's fan service platform (October 2013) let "all certified users" subscribe their fans
and "provide exciting content and interactive services": the account broadcasts messages
to its subscribers' service inboxes (all of them, or a segment by profile), answers their
messages with keyword auto-replies and a menu, and in developer mode hands those messages
to a third party's server (a callback URL signed with a shared secret). Records here are
immutable, like every stored record: a change is a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from microblog.models import Profile


class SegmentField(StrEnum):
    """A profile field a broadcast may be limited to (what advertisers target too)."""

    REGION = "region"
    GENDER = "gender"
    AGE_BAND = "age_band"
    INTEREST = "interest"


@dataclass(frozen=True, slots=True)
class Segment:
    """Subscribers whose profile `field` is `value` (an interest among theirs, for interest)."""

    field: SegmentField
    value: str

    def admits(self, profile: Profile) -> bool:
        if self.field is SegmentField.INTEREST:
            return self.value in profile.interests
        return str(getattr(profile, self.field.value)) == self.value


@dataclass(frozen=True, slots=True)
class MenuItem:
    """A button of the service's menu: the subscriber taps `key`, the service answers `reply`."""

    key: str
    label: str
    reply: str


@dataclass(frozen=True, slots=True)
class FanService:
    account_id: int
    opened_at: float
    auto_replies: tuple[tuple[str, str], ...] = ()
    """(keyword, reply): a subscriber's message containing the keyword gets the reply."""
    menu: tuple[MenuItem, ...] = ()
    callback_url: str | None = None
    """Developer mode: subscribers' messages go to this URL, signed with `callback_secret`."""
    callback_secret: str | None = None
    subscribers: int = 0

    @property
    def developer_mode(self) -> bool:
        return self.callback_url is not None and self.callback_secret is not None


@dataclass(frozen=True, slots=True)
class Broadcast:
    """One message to subscribers; a fan-out job (an id and a creation time) on its queue."""

    id: int
    account_id: int
    text: str
    created_at: float
    segment: Segment | None = None
    delivered: int = 0
    finished_at: float | None = None
    """When the last subscriber's inbox got it (None: still on the queue)."""


class InboxKind(StrEnum):
    BROADCAST = "broadcast"
    REPLY = "reply"
    """An auto-reply, a menu answer or the developer app's answer."""


@dataclass(frozen=True, slots=True)
class InboxEntry:
    """A message in a subscriber's service inbox, from one account's fan service."""

    id: int
    subscriber_id: int
    account_id: int
    kind: InboxKind
    text: str
    created_at: float
    broadcast_id: int | None = None


@dataclass(frozen=True, slots=True)
class Sent:
    """What became of a subscriber's message to a service."""

    reply: InboxEntry | None
    """The auto-reply in their inbox, if a keyword matched."""
    forwarded: bool
    """Handed to the account's developer app, which answers through the API."""


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A subscriber's message the account's callback failed to take on every attempt."""

    id: int
    account_id: int
    subscriber_id: int
    text: str
    attempts: int
    error: str
    failed_at: float


@dataclass(frozen=True, slots=True)
class DeliveryStats:
    """What an account's fan service reached: subscribers, broadcasts and their lag."""

    subscribers: int
    broadcasts: int
    deliveries: int
    pending: int
    """Broadcasts still on the fan-out queue."""
    lag_p50_s: float | None
    lag_p99_s: float | None
    dead_letters: int
