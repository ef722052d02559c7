"""The storage interface of fan services (both backends implement it)."""

from __future__ import annotations

from typing import Protocol

from microblog.fanservice_models import (
    Broadcast,
    DeadLetter,
    FanService,
    InboxEntry,
    Segment,
)


class FanServiceRepo(Protocol):
    def open(self, account_id: int, opened_at: float) -> FanService | None:
        """Open the account's service; None when it is open already."""
        ...

    def get(self, account_id: int) -> FanService | None: ...
    def update(self, service: FanService) -> None:
        """Keep the service's auto-replies, menu and callback (its subscriber count is the
        store's to keep)."""
        ...

    def subscribe(self, account_id: int, subscriber_id: int, at: float) -> bool:
        """Whether this call subscribed them (False: subscribed already)."""
        ...

    def unsubscribe(self, account_id: int, subscriber_id: int) -> bool: ...
    def is_subscribed(self, account_id: int, subscriber_id: int) -> bool: ...
    def subscribers_after(self, account_id: int, after: int, limit: int) -> list[int]:
        """Up to `limit` subscriber ids above `after`, ascending (a delivery's chunks)."""
        ...

    def add_broadcast(
        self, account_id: int, text: str, segment: Segment | None, created_at: float
    ) -> Broadcast: ...
    def get_broadcast(self, broadcast_id: int) -> Broadcast | None: ...
    def finish_broadcast(self, broadcast_id: int, delivered: int, finished_at: float) -> None: ...
    def recent_broadcasts(self, account_id: int, limit: int) -> list[Broadcast]:
        """The account's newest broadcasts, newest first."""
        ...

    def deliver(self, broadcast: Broadcast, subscriber_ids: list[int]) -> list[int]:
        """Put the broadcast in these subscribers' inboxes, once each however often it is
        delivered; the subscribers whose inbox it reached just now (not before)."""
        ...

    def reply(self, account_id: int, subscriber_id: int, text: str, at: float) -> InboxEntry:
        """An answer of the account's in one subscriber's inbox."""
        ...

    def inbox(self, subscriber_id: int, before: int | None, limit: int) -> list[InboxEntry]:
        """The subscriber's service inbox, newest first."""
        ...

    def add_dead_letter(
        self, account_id: int, subscriber_id: int, text: str, attempts: int, error: str, at: float
    ) -> DeadLetter: ...
    def dead_letters(self, account_id: int, before: int | None, limit: int) -> list[DeadLetter]:
        """The account's dead letters, newest first."""
        ...

    def count_dead_letters(self, account_id: int) -> int: ...
