"""Live broadcast over HTTP: start and end rooms, the live list, comments, gifts (with an
`Idempotency-Key`), the anchor's earnings. Viewers watch over the room's WebSocket
(`microblog.api.routers.live_socket`)."""

from __future__ import annotations

from fastapi import APIRouter, status

from microblog.api.deps import Blog, CurrentAccountId
from microblog.api.live_schemas import (
    EarningsPage,
    LiveCommentCreate,
    LiveCommentPublic,
    LiveGiftCreate,
    LiveGiftPublic,
    RoomCreate,
    RoomPublic,
    RoomsList,
)
from microblog.api.money_schemas import IdempotencyKey
from microblog.api.offload import LoopRoute
from microblog.api.params import Cursor, Id, Limit

router = APIRouter(prefix="/live", tags=["live"], route_class=LoopRoute)


@router.post("/rooms", status_code=status.HTTP_201_CREATED)
def start(body: RoomCreate, account_id: CurrentAccountId, blog: Blog) -> RoomPublic:
    """Go on air; followers find the announcement post in their home timelines."""
    return RoomPublic.of(blog.live.start(account_id, body.title, body.stream_url))


@router.get("/rooms")
def on_air(_: CurrentAccountId, blog: Blog) -> RoomsList:
    """Rooms on air, most watched first, tilted towards verified anchors."""
    return RoomsList(items=[RoomPublic.of(r) for r in blog.live.ranked()])


@router.get("/rooms/{room_id}")
def room(room_id: Id, _: CurrentAccountId, blog: Blog) -> RoomPublic:
    return RoomPublic.of(blog.live.room(room_id))


@router.post("/rooms/{room_id}/end")
def end(room_id: Id, account_id: CurrentAccountId, blog: Blog) -> RoomPublic:
    return RoomPublic.of(blog.live.end(account_id, room_id))


@router.post("/rooms/{room_id}/comments", status_code=status.HTTP_201_CREATED)
def comment(
    room_id: Id, body: LiveCommentCreate, account_id: CurrentAccountId, blog: Blog
) -> LiveCommentPublic:
    return LiveCommentPublic.of(blog.live.comment(account_id, room_id, body.text))


@router.post("/rooms/{room_id}/gifts", status_code=status.HTTP_201_CREATED)
def gift(
    room_id: Id, body: LiveGiftCreate, account_id: CurrentAccountId, key: IdempotencyKey, blog: Blog
) -> LiveGiftPublic:
    """Give the anchor coins from your wallet; a retry with the same key pays once."""
    made = blog.live.gift(account_id, room_id, body.amount_fen, idempotency_key=key)
    return LiveGiftPublic.of(made)


@router.get("/earnings")
def earnings(
    account_id: CurrentAccountId, blog: Blog, cursor: Cursor = None, limit: Limit = 20
) -> EarningsPage:
    """Your gifts as an anchor, newest first."""
    page = blog.live.earnings(account_id, cursor, limit)
    items = [LiveGiftPublic.of(g) for g in page.items]
    return EarningsPage(items=items, next_cursor=page.next_cursor)
