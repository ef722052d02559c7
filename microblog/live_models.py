"""Live broadcast records: rooms, live comments, gifts to anchors, and the events pushed to
viewers. No video is carried: a room's stream URL is metadata only."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Room:
    id: int
    anchor_id: int
    title: str
    stream_url: str | None
    started_at: float
    announcement_id: int
    """The post that told the anchor's followers (their home timelines carry it)."""
    ended_at: float | None = None
    viewers: int = 0
    """Viewers connected now (the live list ranks by it)."""
    peak_viewers: int = 0
    comment_count: int = 0
    gift_fen: int = 0

    @property
    def live(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True, slots=True)
class LiveComment:
    id: int
    room_id: int
    author_id: int
    text: str
    created_at: float


@dataclass(frozen=True, slots=True)
class LiveGift:
    """Coins a viewer gave the anchor of a room: the anchor's part and the platform's."""

    id: int
    room_id: int
    viewer_id: int
    anchor_id: int
    amount_fen: int
    anchor_fen: int
    platform_fen: int
    created_at: float


@dataclass(frozen=True, slots=True)
class ViewerCount:
    room_id: int
    viewers: int


@dataclass(frozen=True, slots=True)
class RoomEnded:
    room_id: int


LiveEvent = LiveComment | LiveGift | ViewerCount | RoomEnded
"""What a room pushes to every viewer connected to it."""
