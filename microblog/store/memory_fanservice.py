"""Fan services in memory (the memory backend's twin of the SQL tables)."""

from __future__ import annotations

import itertools
from bisect import bisect_right, insort
from collections import defaultdict
from dataclasses import dataclass, field

from microblog.fanservice_models import (
    Broadcast,
    DeadLetter,
    FanService,
    InboxEntry,
    InboxKind,
    Segment,
)
from microblog.store.paging import page_sorted
from microblog.store.records import replace
from microblog.work import record


def _counter() -> itertools.count[int]:
    return itertools.count(1)


@dataclass
class FanServiceData:
    services: dict[int, FanService] = field(default_factory=dict)
    subscribers: defaultdict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    """Per account, its subscribers' ids in ascending order (a delivery walks them)."""
    broadcast_ids: itertools.count[int] = field(default_factory=_counter)
    broadcasts: dict[int, Broadcast] = field(default_factory=dict)
    of_account: defaultdict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    entry_ids: itertools.count[int] = field(default_factory=_counter)
    entries: dict[int, InboxEntry] = field(default_factory=dict)
    inboxes: defaultdict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    delivered: set[tuple[int, int]] = field(default_factory=set)
    """(broadcast, subscriber) pairs already in an inbox."""
    dead_ids: itertools.count[int] = field(default_factory=_counter)
    dead: dict[int, DeadLetter] = field(default_factory=dict)
    dead_of: defaultdict[int, list[int]] = field(default_factory=lambda: defaultdict(list))


class MemoryFanServices:
    def __init__(self, data: FanServiceData) -> None:
        self.d = data

    def open(self, account_id: int, opened_at: float) -> FanService | None:
        if account_id in self.d.services:
            return None
        self.d.services[account_id] = service = FanService(account_id, opened_at)
        record(db_writes=1)
        return service

    def get(self, account_id: int) -> FanService | None:
        service = self.d.services.get(account_id)
        record(db_reads=1 if service else 0)
        if service is None:
            return None
        return replace(service, subscribers=len(self.d.subscribers.get(account_id, ())))

    def update(self, service: FanService) -> None:
        self.d.services[service.account_id] = replace(service, subscribers=0)
        record(db_writes=1)

    def subscribe(self, account_id: int, subscriber_id: int, at: float) -> bool:
        if self.is_subscribed(account_id, subscriber_id):
            return False
        insort(self.d.subscribers[account_id], subscriber_id)
        record(db_writes=1)
        return True

    def unsubscribe(self, account_id: int, subscriber_id: int) -> bool:
        if not self.is_subscribed(account_id, subscriber_id):
            return False
        self.d.subscribers[account_id].remove(subscriber_id)
        record(db_writes=1)
        return True

    def is_subscribed(self, account_id: int, subscriber_id: int) -> bool:
        ids = self.d.subscribers.get(account_id, [])
        at = bisect_right(ids, subscriber_id) - 1
        record(db_reads=1)
        return at >= 0 and ids[at] == subscriber_id

    def subscribers_after(self, account_id: int, after: int, limit: int) -> list[int]:
        ids = self.d.subscribers.get(account_id, [])
        start = bisect_right(ids, after)
        found = ids[start : start + limit]
        record(db_reads=len(found))
        return found

    def add_broadcast(
        self, account_id: int, text: str, segment: Segment | None, created_at: float
    ) -> Broadcast:
        row = Broadcast(next(self.d.broadcast_ids), account_id, text, created_at, segment)
        self.d.broadcasts[row.id] = row
        self.d.of_account[account_id].append(row.id)
        record(db_writes=1)
        return row

    def get_broadcast(self, broadcast_id: int) -> Broadcast | None:
        row = self.d.broadcasts.get(broadcast_id)
        record(db_reads=1 if row else 0)
        return row

    def finish_broadcast(self, broadcast_id: int, delivered: int, finished_at: float) -> None:
        row = self.d.broadcasts[broadcast_id]
        self.d.broadcasts[broadcast_id] = replace(row, delivered=delivered, finished_at=finished_at)
        record(db_writes=1)

    def recent_broadcasts(self, account_id: int, limit: int) -> list[Broadcast]:
        ids = page_sorted(self.d.of_account.get(account_id, []), None, limit)
        record(db_reads=len(ids))
        return [self.d.broadcasts[i] for i in ids]

    def deliver(self, broadcast: Broadcast, subscriber_ids: list[int]) -> list[int]:
        fresh = [s for s in subscriber_ids if (broadcast.id, s) not in self.d.delivered]
        for subscriber_id in fresh:
            self.d.delivered.add((broadcast.id, subscriber_id))
            self._add_entry(
                subscriber_id, broadcast.account_id, InboxKind.BROADCAST, broadcast.text,
                broadcast.created_at, broadcast.id,
            )  # fmt: skip
        record(db_writes=len(fresh))
        return fresh

    def reply(self, account_id: int, subscriber_id: int, text: str, at: float) -> InboxEntry:
        record(db_writes=1)
        return self._add_entry(subscriber_id, account_id, InboxKind.REPLY, text, at, None)

    def _add_entry(
        self, subscriber_id: int, account_id: int, kind: InboxKind, text: str, at: float,
        broadcast_id: int | None,
    ) -> InboxEntry:  # fmt: skip
        entry_id = next(self.d.entry_ids)
        entry = InboxEntry(entry_id, subscriber_id, account_id, kind, text, at, broadcast_id)
        self.d.entries[entry_id] = entry
        self.d.inboxes[subscriber_id].append(entry_id)
        return entry

    def inbox(self, subscriber_id: int, before: int | None, limit: int) -> list[InboxEntry]:
        ids = page_sorted(self.d.inboxes.get(subscriber_id, []), before, limit)
        record(db_reads=len(ids))
        return [self.d.entries[i] for i in ids]

    def add_dead_letter(
        self, account_id: int, subscriber_id: int, text: str, attempts: int, error: str, at: float
    ) -> DeadLetter:
        row = DeadLetter(
            next(self.d.dead_ids), account_id, subscriber_id, text, attempts, error, at
        )
        self.d.dead[row.id] = row
        self.d.dead_of[account_id].append(row.id)
        record(db_writes=1)
        return row

    def dead_letters(self, account_id: int, before: int | None, limit: int) -> list[DeadLetter]:
        ids = page_sorted(self.d.dead_of.get(account_id, []), before, limit)
        record(db_reads=len(ids))
        return [self.d.dead[i] for i in ids]

    def count_dead_letters(self, account_id: int) -> int:
        record(db_reads=1)
        return len(self.d.dead_of.get(account_id, ()))
