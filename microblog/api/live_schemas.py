"""Request and response bodies of live broadcast, and the frames of a room's WebSocket.

Room socket frames are JSON objects with a `type`. Pushes: `hello` (the room, first),
`comment`, `gift`, `viewers` (the count), `ended`. Client frames: `comment` (answered by
`commented` or `error`, echoing `ref`) and `ping` (`pong`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, TypeAdapter

from microblog.api.chat_frames import PingFrame, Reply, Request
from microblog.api.schemas import Body
from microblog.live_models import LiveComment, LiveEvent, LiveGift, Room, RoomEnded, ViewerCount


class RoomCreate(Body):
    title: str = Field(description="1 to `max_title_chars` characters.")
    stream_url: str | None = Field(
        None, max_length=2048, description="Where the video is (metadata only: none is carried)."
    )


class RoomPublic(BaseModel):
    id: int
    anchor_id: int
    title: str
    stream_url: str | None
    started_at: float
    ended_at: float | None
    announcement_id: int = Field(description="The post that told the anchor's followers.")
    viewers: int
    peak_viewers: int
    comment_count: int
    gift_fen: int

    @classmethod
    def of(cls, r: Room) -> RoomPublic:
        return cls(
            id=r.id,
            anchor_id=r.anchor_id,
            title=r.title,
            stream_url=r.stream_url,
            started_at=r.started_at,
            ended_at=r.ended_at,
            announcement_id=r.announcement_id,
            viewers=r.viewers,
            peak_viewers=r.peak_viewers,
            comment_count=r.comment_count,
            gift_fen=r.gift_fen,
        )


class RoomsList(BaseModel):
    items: list[RoomPublic]


class LiveCommentCreate(Body):
    text: str


class LiveCommentPublic(BaseModel):
    id: int
    room_id: int
    author_id: int
    text: str
    created_at: float

    @classmethod
    def of(cls, c: LiveComment) -> LiveCommentPublic:
        return cls(
            id=c.id, room_id=c.room_id, author_id=c.author_id, text=c.text, created_at=c.created_at
        )


class LiveGiftCreate(Body):
    amount_fen: int = Field(description="Coins to give, in fen (1 coin = 100 fen).")


class LiveGiftPublic(BaseModel):
    id: int
    room_id: int
    viewer_id: int
    anchor_id: int
    amount_fen: int
    anchor_fen: int = Field(description="What the anchor received.")
    platform_fen: int = Field(description="The platform's share.")
    created_at: float

    @classmethod
    def of(cls, g: LiveGift) -> LiveGiftPublic:
        return cls(
            id=g.id,
            room_id=g.room_id,
            viewer_id=g.viewer_id,
            anchor_id=g.anchor_id,
            amount_fen=g.amount_fen,
            anchor_fen=g.anchor_fen,
            platform_fen=g.platform_fen,
            created_at=g.created_at,
        )


class EarningsPage(BaseModel):
    items: list[LiveGiftPublic]
    next_cursor: str | None


class HelloPush(BaseModel):
    """First frame: the room as the viewer joined it (its viewer count includes them)."""

    type: Literal["hello"] = "hello"
    room: RoomPublic


class CommentPush(BaseModel):
    type: Literal["comment"] = "comment"
    comment: LiveCommentPublic


class GiftPush(BaseModel):
    type: Literal["gift"] = "gift"
    gift: LiveGiftPublic


class ViewersPush(BaseModel):
    type: Literal["viewers"] = "viewers"
    viewers: int


class EndedPush(BaseModel):
    type: Literal["ended"] = "ended"


class CommentFrame(Request, LiveCommentCreate):
    type: Literal["comment"]


class CommentedReply(Reply):
    type: Literal["commented"] = "commented"
    comment: LiveCommentPublic


AnyRoomFrame = CommentFrame | PingFrame
ROOM_FRAME: TypeAdapter[AnyRoomFrame] = TypeAdapter(
    Annotated[AnyRoomFrame, Field(discriminator="type")]
)


def room_push(event: LiveEvent) -> BaseModel:
    """The frame that carries a room event to a viewer."""
    if isinstance(event, LiveComment):
        return CommentPush(comment=LiveCommentPublic.of(event))
    if isinstance(event, LiveGift):
        return GiftPush(gift=LiveGiftPublic.of(event))
    if isinstance(event, ViewerCount):
        return ViewersPush(viewers=event.viewers)
    assert isinstance(event, RoomEnded)
    return EndedPush()
