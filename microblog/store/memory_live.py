"""Live rooms, comments and gifts in memory (the memory backend's `LiveRepo`)."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from microblog.live_models import LiveComment, LiveGift, Room
from microblog.store.paging import page_sorted
from microblog.store.records import replace
from microblog.work import record


@dataclass
class LiveData:
    ids: defaultdict[str, itertools.count[int]] = field(
        default_factory=lambda: defaultdict(lambda: itertools.count(1))
    )
    rooms: dict[int, Room] = field(default_factory=dict)
    on_air: dict[int, int] = field(default_factory=dict)
    """Anchor id -> the id of its room on air."""
    comments: dict[int, LiveComment] = field(default_factory=dict)
    gifts: dict[int, LiveGift] = field(default_factory=dict)
    anchor_gifts: defaultdict[int, list[int]] = field(default_factory=lambda: defaultdict(list))


class MemoryLive:
    def __init__(self, data: LiveData) -> None:
        self.d = data

    def create(
        self, anchor_id: int, title: str, stream_url: str | None, started_at: float, post_id: int
    ) -> Room:
        room = Room(next(self.d.ids["rooms"]), anchor_id, title, stream_url, started_at, post_id)
        self.d.rooms[room.id] = room
        self.d.on_air[anchor_id] = room.id
        record(db_writes=1)
        return room

    def get(self, room_id: int) -> Room | None:
        room = self.d.rooms.get(room_id)
        record(db_reads=1 if room else 0)
        return room

    def end(self, room_id: int, ended_at: float) -> None:
        room = self.d.rooms[room_id]
        self.d.rooms[room_id] = replace(room, ended_at=ended_at)
        self.d.on_air.pop(room.anchor_id, None)
        record(db_writes=1)

    def live_of(self, anchor_id: int) -> Room | None:
        room_id = self.d.on_air.get(anchor_id)
        return self.get(room_id) if room_id is not None else None

    def on_air(self) -> list[Room]:
        rooms = [self.d.rooms[i] for i in sorted(self.d.on_air.values())]
        record(db_reads=len(rooms))
        return rooms

    def add_viewers(self, room_id: int, delta: int) -> int:
        room = self.d.rooms[room_id]
        viewers = room.viewers + delta
        self.d.rooms[room_id] = replace(
            room, viewers=viewers, peak_viewers=max(room.peak_viewers, viewers)
        )
        record(db_writes=1)
        return viewers

    def add_comment(
        self, room_id: int, author_id: int, text: str, created_at: float
    ) -> LiveComment:
        comment = LiveComment(next(self.d.ids["comments"]), room_id, author_id, text, created_at)
        self.d.comments[comment.id] = comment
        room = self.d.rooms[room_id]
        self.d.rooms[room_id] = replace(room, comment_count=room.comment_count + 1)
        record(db_writes=2)
        return comment

    def add_gift(self, gift: LiveGift) -> LiveGift:
        stored = replace(gift, id=next(self.d.ids["gifts"]))
        self.d.gifts[stored.id] = stored
        self.d.anchor_gifts[gift.anchor_id].append(stored.id)
        room = self.d.rooms[gift.room_id]
        self.d.rooms[gift.room_id] = replace(room, gift_fen=room.gift_fen + gift.amount_fen)
        record(db_writes=2)
        return stored

    def gifts_to(self, anchor_id: int, before: int | None, limit: int) -> list[LiveGift]:
        ids = page_sorted(self.d.anchor_gifts.get(anchor_id, []), before, limit)
        record(db_reads=len(ids))
        return [self.d.gifts[i] for i in ids]
