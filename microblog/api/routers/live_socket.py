"""A live room's WebSocket `/live/rooms/{room_id}/ws`: watch, and comment, in real time.

Authenticate as on the chat socket (`?token=` or a bearer header; refused with 1008). The
server joins the viewer, sends `hello` with the room (by then the socket is attached, so
everything said afterwards reaches it), then pushes every comment, gift and viewer count
of the room until the viewer leaves or the room ends (`ended`, then the server closes).
Frames: `microblog.api.live_schemas`.
"""

from __future__ import annotations

import asyncio
from contextlib import suppress

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from microblog.api.chat_frames import ErrorReply, PongReply, Reply
from microblog.api.live_schemas import (
    ROOM_FRAME,
    AnyRoomFrame,
    CommentedReply,
    HelloPush,
    LiveCommentPublic,
    RoomPublic,
    room_push,
)
from microblog.api.offload import LoopRoute, run_sync
from microblog.api.outbox import Outbox
from microblog.api.routers.chat_socket import authenticated, reply_to
from microblog.errors import DomainError
from microblog.live_models import LiveEvent, RoomEnded
from microblog.platform import Microblog

router = APIRouter(prefix="/live", tags=["live"], route_class=LoopRoute)
ROOM_GONE = 1000
"""Close code after `ended`: a normal closure, the broadcast is over."""


class RoomSocket(Outbox):
    """The room hub's view of one viewer's WebSocket."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop)
        self.ended = asyncio.Event()

    def greet(self, hello: HelloPush) -> None:
        """Queue `hello` ahead of the pushes that reached this viewer while it joined (the
        viewer counts of others joining at once, a comment): hello always comes first."""
        early = [self.outbox.get_nowait() for _ in range(self.outbox.qsize())]
        for frame in (hello, *early):
            self.send(frame)

    def push(self, event: LiveEvent) -> None:
        self.hand_over(room_push(event))
        if isinstance(event, RoomEnded):
            with suppress(RuntimeError):
                self.loop.call_soon_threadsafe(self.ended.set)


@router.websocket("/rooms/{room_id}/ws")
async def room_socket(websocket: WebSocket, room_id: int) -> None:
    blog: Microblog = websocket.app.state.blog
    account = await authenticated(websocket, blog)
    if account is None:
        return
    await websocket.accept()
    connection = RoomSocket(asyncio.get_running_loop())
    try:
        room = await run_sync(blog.live.join, account.id, room_id, connection)
    except DomainError as error:
        connection.send(_refusal(error))
        await connection_closed(websocket, connection)
        return
    connection.greet(HelloPush(room=RoomPublic.of(room)))
    writer = asyncio.create_task(connection.pump(websocket))
    try:
        await _serve(websocket, blog, account.id, room_id, connection)
    finally:
        await run_sync(blog.live.leave, room_id, connection)
        await _drain(writer, connection)
        with suppress(RuntimeError, WebSocketDisconnect):  # closed, or the viewer went first
            await websocket.close(code=ROOM_GONE)


async def connection_closed(websocket: WebSocket, connection: RoomSocket) -> None:
    """Send what is queued, then close (a refused join)."""
    writer = asyncio.create_task(connection.pump(websocket))
    await _drain(writer, connection)
    await websocket.close(code=ROOM_GONE)


async def _drain(writer: asyncio.Task[None], connection: RoomSocket) -> None:
    """Let the writer send what is queued (bounded), then stop it."""
    with suppress(TimeoutError):
        async with asyncio.timeout(1.0):
            while not connection.outbox.empty():
                await asyncio.sleep(0.01)
    writer.cancel()
    with suppress(asyncio.CancelledError):
        await writer


def _refusal(error: DomainError) -> Reply:
    return ErrorReply(error=error.code, message=error.message, field=error.field)


async def _serve(
    websocket: WebSocket, blog: Microblog, viewer_id: int, room_id: int, connection: RoomSocket
) -> None:
    """Answer client frames one at a time until the viewer goes or the room ends."""
    ended = asyncio.create_task(connection.ended.wait())
    try:
        while True:
            received = asyncio.create_task(websocket.receive())
            done, _ = await asyncio.wait({received, ended}, return_when=asyncio.FIRST_COMPLETED)
            if ended in done:
                received.cancel()
                return
            message = received.result()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text") or (message.get("bytes") or b"").decode(errors="replace")
            reply = await run_sync(_answer, blog, viewer_id, room_id, text)
            connection.send(reply)
    finally:
        ended.cancel()


def _answer(blog: Microblog, viewer_id: int, room_id: int, text: str) -> Reply:
    def handle(frame: AnyRoomFrame) -> Reply:
        if frame.type == "ping":
            return PongReply(ref=frame.ref)
        said = blog.live.comment(viewer_id, room_id, frame.text)
        return CommentedReply(ref=frame.ref, comment=LiveCommentPublic.of(said))

    return reply_to(text, ROOM_FRAME, handle)
