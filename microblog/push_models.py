"""Clients and push notifications.

"500 million users, 75 % active in mobile phone clients" (the seeds): every bearer token
says which client it was issued to, and mobile clients get push notifications, through a
push provider, for what happens while the app is closed: a mention, a private message, a
followed anchor going live. Web and third-party app sessions get none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ClientKind(StrEnum):
    MOBILE = "mobile"
    """The phone app: receives push notifications."""
    WEB = "web"
    """A browser (the default of a login that names no client)."""
    APP = "app"
    """A third-party client logging in with the user's password."""


class PushKind(StrEnum):
    MENTION = "mention"
    MESSAGE = "message"
    LIVE_START = "live_start"
    FAN_SERVICE = "fan_service"
    """A fan service's message to its subscribers (sent by the fan service platform)."""


@dataclass(frozen=True, slots=True)
class PushMessage:
    """One notification to one device (a mobile session), as the provider reported it."""

    id: int
    account_id: int
    device: str
    """The mobile session's token hash: the device it was sent to."""
    kind: PushKind
    payload: dict[str, int | str] = field(default_factory=dict)
    created_at: float = 0.0
    delivered_at: float | None = None
    """When the device had it (the provider's latency after `created_at`); None: failed."""
