"""Live room, comment and gift tables and repository of the SQL backend. Room counters
move by atomic increments, so viewers joining at once and gifts given at once all count."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    case,
    select,
    update,
)

from microblog.live_models import LiveComment, LiveGift, Room
from microblog.store.sql import schema as t
from microblog.store.sql.social import _insert_id, _newest
from microblog.work import record

rooms = Table(
    "live_rooms",
    t.metadata,
    Column("id", t.Id, primary_key=True, autoincrement=True),
    Column("anchor_id", ForeignKey("accounts.id"), nullable=False),
    Column("title", String(255), nullable=False),
    Column("stream_url", Text),
    Column("started_at", Float, nullable=False),
    Column("announcement_id", ForeignKey("posts.id"), nullable=False),
    Column("ended_at", Float),
    Column("viewers", Integer, nullable=False, default=0),
    Column("peak_viewers", Integer, nullable=False, default=0),
    Column("comment_count", Integer, nullable=False, default=0),
    Column("gift_fen", t.Id, nullable=False, default=0),
    Index("ix_live_rooms_anchor", "anchor_id", "ended_at"),
)

comments = Table(
    "live_comments",
    t.metadata,
    Column("id", t.Id, primary_key=True, autoincrement=True),
    Column("room_id", ForeignKey("live_rooms.id"), nullable=False),
    Column("author_id", ForeignKey("accounts.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Index("ix_live_comments_room", "room_id", "id"),
)

gifts = Table(
    "live_gifts",
    t.metadata,
    Column("id", t.Id, primary_key=True, autoincrement=True),
    Column("room_id", ForeignKey("live_rooms.id"), nullable=False),
    Column("viewer_id", ForeignKey("accounts.id"), nullable=False),
    Column("anchor_id", ForeignKey("accounts.id"), nullable=False),
    Column("amount_fen", t.Id, nullable=False),
    Column("anchor_fen", t.Id, nullable=False),
    Column("platform_fen", t.Id, nullable=False),
    Column("created_at", Float, nullable=False),
    Index("ix_live_gifts_anchor", "anchor_id", "id"),
)

_ROOM_FIELDS = [f.name for f in fields(Room)]
_GIFT_FIELDS = [f.name for f in fields(LiveGift)]


def _room(row: Any) -> Room:
    return Room(**{name: getattr(row, name) for name in _ROOM_FIELDS})


def _gift(row: Any) -> LiveGift:
    return LiveGift(**{name: getattr(row, name) for name in _GIFT_FIELDS})


class SqlLive:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def create(
        self, anchor_id: int, title: str, stream_url: str | None, started_at: float, post_id: int
    ) -> Room:
        room = Room(0, anchor_id, title, stream_url, started_at, post_id)
        values = {name: getattr(room, name) for name in _ROOM_FIELDS if name != "id"}
        new_id = _insert_id(self.conn, rooms.insert().values(values))
        record(db_writes=1)
        return Room(new_id, anchor_id, title, stream_url, started_at, post_id)

    def get(self, room_id: int) -> Room | None:
        row = self.conn.execute(select(rooms).where(rooms.c.id == room_id)).first()
        record(db_reads=1 if row else 0)
        return _room(row) if row else None

    def end(self, room_id: int, ended_at: float) -> None:
        self.conn.execute(update(rooms).where(rooms.c.id == room_id).values(ended_at=ended_at))
        record(db_writes=1)

    def live_of(self, anchor_id: int) -> Room | None:
        query = select(rooms).where(rooms.c.anchor_id == anchor_id, rooms.c.ended_at.is_(None))
        row = self.conn.execute(query).first()
        record(db_reads=1 if row else 0)
        return _room(row) if row else None

    def on_air(self) -> list[Room]:
        query = select(rooms).where(rooms.c.ended_at.is_(None)).order_by(rooms.c.id)
        found = [_room(row) for row in self.conn.execute(query)]
        record(db_reads=len(found))
        return found

    def add_viewers(self, room_id: int, delta: int) -> int:
        viewers = rooms.c.viewers + delta
        peak = case((viewers > rooms.c.peak_viewers, viewers), else_=rooms.c.peak_viewers)
        count = self.conn.scalar(
            update(rooms)
            .where(rooms.c.id == room_id)
            .values(viewers=viewers, peak_viewers=peak)
            .returning(rooms.c.viewers)
        )
        record(db_writes=1)
        return int(count or 0)

    def add_comment(
        self, room_id: int, author_id: int, text: str, created_at: float
    ) -> LiveComment:
        values = dict(room_id=room_id, author_id=author_id, text=text, created_at=created_at)
        new_id = _insert_id(self.conn, comments.insert().values(values))
        self.conn.execute(
            update(rooms)
            .where(rooms.c.id == room_id)
            .values(comment_count=rooms.c.comment_count + 1)
        )
        record(db_writes=2)
        return LiveComment(new_id, room_id, author_id, text, created_at)

    def add_gift(self, gift: LiveGift) -> LiveGift:
        values = {name: getattr(gift, name) for name in _GIFT_FIELDS if name != "id"}
        new_id = _insert_id(self.conn, gifts.insert().values(values))
        self.conn.execute(
            update(rooms)
            .where(rooms.c.id == gift.room_id)
            .values(gift_fen=rooms.c.gift_fen + gift.amount_fen)
        )
        record(db_writes=2)
        return LiveGift(new_id, *(getattr(gift, name) for name in _GIFT_FIELDS[1:]))

    def gifts_to(self, anchor_id: int, before: int | None, limit: int) -> list[LiveGift]:
        query = select(gifts).where(gifts.c.anchor_id == anchor_id)
        found = [_gift(row) for row in self.conn.execute(_newest(query, gifts.c.id, before, limit))]
        record(db_reads=len(found))
        return found
