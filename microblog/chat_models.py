"""Chat records: conversations, messages, presence statuses and the events pushed to clients.

Kept apart from `models.py` because chat has its own vocabulary; like those records they are
free of storage and HTTP concerns. Messages are frozen: once stored they never change, so
the memory backend and the connection hub can share one instance without copying.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from microblog.errors import Invalid
from microblog.models import MAX_ID


class Status(StrEnum):
    """Presence as an account chooses it; `offline` is only ever derived (no live connection)."""

    ONLINE = "online"
    BUSY = "busy"
    AWAY = "away"
    INVISIBLE = "invisible"
    """Connected and receiving, but shown to others as offline."""
    OFFLINE = "offline"


_ID = r"([1-9][0-9]{0,18})"
_KEY = re.compile(rf"dm-{_ID}-{_ID}|group-{_ID}")
"""ASCII digits only (`\\d` also takes other scripts' digits) of at most 19 of them."""


@dataclass(frozen=True, slots=True)
class Conversation:
    """A direct conversation between two accounts, or a group's chat.

    Its `key` (`dm-<low id>-<high id>` or `group-<group id>`) names it in storage and URLs,
    so both participants of a pair address the same conversation.
    """

    key: str
    pair: tuple[int, int] | None = None
    group_id: int | None = None

    @classmethod
    def direct(cls, a: int, b: int) -> Conversation:
        low, high = sorted((a, b))
        return cls(f"dm-{low}-{high}", pair=(low, high))

    @classmethod
    def group(cls, group_id: int) -> Conversation:
        return cls(f"group-{group_id}", group_id=group_id)

    @classmethod
    def parse(cls, key: str) -> Conversation:
        """Read a key a client sent back; refuses keys no conversation could have."""
        match = _KEY.fullmatch(key)
        if match is None or any(int(i) > MAX_ID for i in match.groups() if i):
            raise Invalid(
                f"conversation must look like 'dm-3-7' or 'group-5', got {key!r}",
                field="conversation",
            )
        low, high, group = match.groups()
        if group is not None:
            return cls.group(int(group))
        if int(low) >= int(high):
            raise Invalid(
                f"a direct conversation names two accounts, lower id first, got {key!r}",
                field="conversation",
            )
        return cls.direct(int(low), int(high))


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One stored message. Ids increase in commit order, hence within every conversation."""

    id: int
    conversation: str
    sender_id: int
    text: str
    sent_at: float
    """Server clock when stored, so receivers can measure send-to-receive latency."""
    recipient_id: int | None = None
    """The other account of a direct message; None in a group."""
    group_id: int | None = None
    client_msg_id: str | None = None
    """The sender's own id for the message; a resend with it returns this message."""


@dataclass(frozen=True, slots=True)
class PresenceChange:
    """Pushed to connected friends when an account's status, as they see it, changes."""

    account_id: int
    name: str
    status: Status


@dataclass(frozen=True, slots=True)
class FriendPresence:
    account_id: int
    name: str
    status: Status


ChatEvent = ChatMessage | PresenceChange
"""What the hub pushes down a live connection."""
