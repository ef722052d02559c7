"""Fan service tables and repository of the SQL backend.

The subscriber count moves by atomic increments beside the subscription row; a broadcast
reaches each inbox once because (broadcast, subscriber) is unique and delivery inserts
with ON CONFLICT DO NOTHING, so a job delivered twice leaves every inbox as one would.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    func,
    insert,
    select,
    update,
)

from microblog.fanservice_models import (
    Broadcast,
    DeadLetter,
    FanService,
    InboxEntry,
    InboxKind,
    MenuItem,
    Segment,
    SegmentField,
)
from microblog.store.sql import schema as t
from microblog.store.sql.locks import add_new, insert_new
from microblog.store.sql.social import _insert_id, _newest
from microblog.work import record

services = Table(
    "fan_services",
    t.metadata,
    Column("account_id", ForeignKey("accounts.id"), primary_key=True),
    Column("opened_at", Float, nullable=False),
    Column("auto_replies", JSON, nullable=False),
    Column("menu", JSON, nullable=False),
    Column("callback_url", Text),
    Column("callback_secret", String(128)),
    Column("subscribers", Integer, nullable=False, default=0),
)
subscriptions = Table(
    "fan_subscriptions",
    t.metadata,
    Column("account_id", ForeignKey("fan_services.account_id"), primary_key=True),
    Column("subscriber_id", ForeignKey("accounts.id"), primary_key=True),
    Column("subscribed_at", Float, nullable=False),
)
broadcasts = Table(
    "fan_broadcasts",
    t.metadata,
    Column("id", t.Id, primary_key=True, autoincrement=True),
    Column("account_id", ForeignKey("fan_services.account_id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("segment_field", String(16)),
    Column("segment_value", String(64)),
    Column("delivered", Integer, nullable=False, default=0),
    Column("finished_at", Float),
    Index("ix_fan_broadcasts_account", "account_id", "id"),
)
inbox = Table(
    "fan_inbox",
    t.metadata,
    Column("id", t.Id, primary_key=True, autoincrement=True),
    Column("subscriber_id", ForeignKey("accounts.id"), nullable=False),
    Column("account_id", ForeignKey("fan_services.account_id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("broadcast_id", ForeignKey("fan_broadcasts.id")),
    UniqueConstraint("broadcast_id", "subscriber_id", name="uq_fan_inbox_delivery"),
    Index("ix_fan_inbox_subscriber", "subscriber_id", "id"),
)
dead_letters = Table(
    "fan_dead_letters",
    t.metadata,
    Column("id", t.Id, primary_key=True, autoincrement=True),
    Column("account_id", ForeignKey("fan_services.account_id"), nullable=False),
    Column("subscriber_id", ForeignKey("accounts.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("error", Text, nullable=False),
    Column("failed_at", Float, nullable=False),
    Index("ix_fan_dead_letters_account", "account_id", "id"),
)
_s, _sub, _b, _i, _d = services.c, subscriptions.c, broadcasts.c, inbox.c, dead_letters.c


def _service(row: Any) -> FanService:
    return FanService(
        row.account_id, row.opened_at,
        tuple((keyword, reply) for keyword, reply in row.auto_replies),
        tuple(MenuItem(**item) for item in row.menu),
        row.callback_url, row.callback_secret, row.subscribers,
    )  # fmt: skip


def _broadcast(row: Any) -> Broadcast:
    segment = None
    if row.segment_field is not None:
        segment = Segment(SegmentField(row.segment_field), row.segment_value)
    return Broadcast(
        row.id, row.account_id, row.text, row.created_at, segment, row.delivered, row.finished_at
    )


def _entry(row: Any) -> InboxEntry:
    return InboxEntry(
        row.id, row.subscriber_id, row.account_id, InboxKind(row.kind), row.text,
        row.created_at, row.broadcast_id,
    )  # fmt: skip


def _dead(row: Any) -> DeadLetter:
    return DeadLetter(
        row.id, row.account_id, row.subscriber_id, row.text, row.attempts, row.error,
        row.failed_at,
    )  # fmt: skip


class SqlFanServices:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def open(self, account_id: int, opened_at: float) -> FanService | None:
        values = dict(account_id=account_id, opened_at=opened_at, auto_replies=[], menu=[])
        if not add_new(self.conn, services, {**values, "subscribers": 0}):
            return None
        record(db_writes=1)
        return FanService(account_id, opened_at)

    def get(self, account_id: int) -> FanService | None:
        row = self.conn.execute(select(services).where(_s.account_id == account_id)).first()
        record(db_reads=1 if row else 0)
        return _service(row) if row else None

    def update(self, service: FanService) -> None:
        self.conn.execute(
            update(services)
            .where(_s.account_id == service.account_id)
            .values(
                auto_replies=[list(pair) for pair in service.auto_replies],
                menu=[{"key": m.key, "label": m.label, "reply": m.reply} for m in service.menu],
                callback_url=service.callback_url,
                callback_secret=service.callback_secret,
            )
        )
        record(db_writes=1)

    def subscribe(self, account_id: int, subscriber_id: int, at: float) -> bool:
        values = dict(account_id=account_id, subscriber_id=subscriber_id, subscribed_at=at)
        added = add_new(self.conn, subscriptions, values)
        record(db_writes=int(added))
        if added:
            self._count(account_id, 1)
        return added

    def unsubscribe(self, account_id: int, subscriber_id: int) -> bool:
        done = self.conn.execute(
            delete(subscriptions).where(
                _sub.account_id == account_id, _sub.subscriber_id == subscriber_id
            )
        )
        record(db_writes=done.rowcount)
        if done.rowcount == 1:
            self._count(account_id, -1)
        return done.rowcount == 1

    def _count(self, account_id: int, delta: int) -> None:
        """Move the subscriber count by an atomic increment, never read-modify-write."""
        self.conn.execute(
            update(services)
            .where(_s.account_id == account_id)
            .values(subscribers=_s.subscribers + delta)
        )
        record(db_writes=1)

    def is_subscribed(self, account_id: int, subscriber_id: int) -> bool:
        query = select(_sub.subscriber_id).where(
            _sub.account_id == account_id, _sub.subscriber_id == subscriber_id
        )
        record(db_reads=1)
        return self.conn.execute(query).first() is not None

    def subscribers_after(self, account_id: int, after: int, limit: int) -> list[int]:
        query = (
            select(_sub.subscriber_id)
            .where(_sub.account_id == account_id, _sub.subscriber_id > after)
            .order_by(_sub.subscriber_id)
            .limit(limit)
        )
        ids = list(self.conn.scalars(query))
        record(db_reads=len(ids))
        return ids

    def add_broadcast(
        self, account_id: int, text: str, segment: Segment | None, created_at: float
    ) -> Broadcast:
        values = dict(
            account_id=account_id, text=text, created_at=created_at, delivered=0,
            segment_field=None if segment is None else segment.field.value,
            segment_value=None if segment is None else segment.value,
        )  # fmt: skip
        broadcast_id = _insert_id(self.conn, insert(broadcasts).values(values))
        record(db_writes=1)
        return Broadcast(broadcast_id, account_id, text, created_at, segment)

    def get_broadcast(self, broadcast_id: int) -> Broadcast | None:
        row = self.conn.execute(select(broadcasts).where(_b.id == broadcast_id)).first()
        record(db_reads=1 if row else 0)
        return _broadcast(row) if row else None

    def finish_broadcast(self, broadcast_id: int, delivered: int, finished_at: float) -> None:
        self.conn.execute(
            update(broadcasts)
            .where(_b.id == broadcast_id)
            .values(delivered=delivered, finished_at=finished_at)
        )
        record(db_writes=1)

    def recent_broadcasts(self, account_id: int, limit: int) -> list[Broadcast]:
        query = _newest(select(broadcasts).where(_b.account_id == account_id), _b.id, None, limit)
        return self._rows(query, _broadcast)

    def deliver(self, broadcast: Broadcast, subscriber_ids: list[int]) -> list[int]:
        if not subscriber_ids:
            return []
        rows = [
            dict(
                subscriber_id=s,
                account_id=broadcast.account_id,
                kind=InboxKind.BROADCAST.value,
                text=broadcast.text,
                created_at=broadcast.created_at,
                broadcast_id=broadcast.id,
            )  # fmt: skip
            for s in subscriber_ids
        ]
        statement: Any = insert_new(self.conn, inbox).values(rows).returning(inbox.c.subscriber_id)
        fresh = [row.subscriber_id for row in self.conn.execute(statement)]
        record(db_writes=len(fresh))
        return fresh

    def reply(self, account_id: int, subscriber_id: int, text: str, at: float) -> InboxEntry:
        values = dict(
            subscriber_id=subscriber_id, account_id=account_id, kind=InboxKind.REPLY.value,
            text=text, created_at=at,
        )  # fmt: skip
        entry_id = _insert_id(self.conn, insert(inbox).values(values))
        record(db_writes=1)
        return InboxEntry(entry_id, subscriber_id, account_id, InboxKind.REPLY, text, at)

    def inbox(self, subscriber_id: int, before: int | None, limit: int) -> list[InboxEntry]:
        query = _newest(
            select(inbox).where(_i.subscriber_id == subscriber_id), _i.id, before, limit
        )
        return self._rows(query, _entry)

    def add_dead_letter(
        self, account_id: int, subscriber_id: int, text: str, attempts: int, error: str, at: float
    ) -> DeadLetter:
        values = dict(
            account_id=account_id, subscriber_id=subscriber_id, text=text, attempts=attempts,
            error=error, failed_at=at,
        )  # fmt: skip
        dead_id = _insert_id(self.conn, insert(dead_letters).values(values))
        record(db_writes=1)
        return DeadLetter(dead_id, account_id, subscriber_id, text, attempts, error, at)

    def dead_letters(self, account_id: int, before: int | None, limit: int) -> list[DeadLetter]:
        query = _newest(
            select(dead_letters).where(_d.account_id == account_id), _d.id, before, limit
        )
        return self._rows(query, _dead)

    def count_dead_letters(self, account_id: int) -> int:
        query = select(func.count()).select_from(dead_letters).where(_d.account_id == account_id)
        record(db_reads=1)
        return int(self.conn.scalar(query) or 0)

    def _rows(self, query: Any, make: Any) -> list[Any]:
        rows = [make(row) for row in self.conn.execute(query)]
        record(db_reads=len(rows))
        return rows
