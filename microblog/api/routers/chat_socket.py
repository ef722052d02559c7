"""The chat WebSocket `/ws`: real-time delivery, plus send, status and read on one socket.

Authenticate the upgrade with the bearer token from `POST /auth/token`, either as
`/ws?token=<token>` or as an `Authorization: Bearer <token>` header; without a valid token
the handshake is refused with close code 1008. The server then sends `hello` (by then the
socket is registered, so anything sent afterwards reaches it), pushes every message the
account has not acknowledged, oldest first, and from then on pushes messages and friends'
presence changes as they happen, whichever server process they were sent through (frames,
and acknowledging what was received: `microblog.api.chat_frames`).

Service calls block on the store, so each runs in the threadpool. Pushes may come from any
thread (another socket's send, an HTTP send); the connection hands them to this socket's
event loop (`microblog.api.outbox`).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import APIRouter, WebSocket
from pydantic import TypeAdapter, ValidationError

from microblog.api.chat_frames import (
    CLIENT_FRAME,
    AckedReply,
    AckFrame,
    ErrorReply,
    HelloPush,
    PongReply,
    ReadFrame,
    ReadReply,
    Reply,
    Request,
    SendFrame,
    SentReply,
    StatusFrame,
    StatusReply,
    push_frame,
)
from microblog.api.chat_schemas import MessagePublic
from microblog.api.offload import LoopRoute, run_sync
from microblog.api.outbox import Outbox
from microblog.app_models import Scope, is_app_token
from microblog.chat_models import ChatEvent
from microblog.errors import DomainError, Forbidden, Unauthorized
from microblog.models import Account
from microblog.platform import Microblog
from microblog.work import recording

router = APIRouter(tags=["chat"], route_class=LoopRoute)
POLICY_VIOLATION = 1008


class SocketConnection(Outbox):
    """The hub's view of one WebSocket: a thread-safe hand-over onto its event loop."""

    receipt_on_push = False
    """A frame written is not a frame read: the client acknowledges (`ack`)."""

    def push(self, event: ChatEvent) -> None:
        self.hand_over(push_frame(event))


@dataclass(frozen=True)
class Caller:
    """Who sent a client frame: the account, over which socket, to which platform."""

    blog: Microblog
    account_id: int
    connection: SocketConnection


def on_send(caller: Caller, frame: SendFrame) -> Reply:
    message = caller.blog.chat.send(
        caller.account_id,
        frame.text,
        to=frame.to,
        group_id=frame.group_id,
        client_msg_id=frame.client_msg_id,
    )
    return SentReply(ref=frame.ref, message=MessagePublic.of(message))


def on_status(caller: Caller, frame: StatusFrame) -> Reply:
    status = caller.blog.chat.presence.set_status(caller.account_id, frame.status)
    return StatusReply(ref=frame.ref, status=status)


def on_read(caller: Caller, frame: ReadFrame) -> Reply:
    marked = caller.blog.chat.mark_read(caller.account_id, frame.conversation, frame.up_to)
    return ReadReply(ref=frame.ref, conversation=frame.conversation, marked=marked)


def on_ack(caller: Caller, frame: AckFrame) -> Reply:
    chat = caller.blog.chat
    delivered = chat.acknowledge(caller.account_id, caller.connection, frame.up_to)
    return AckedReply(ref=frame.ref, up_to=frame.up_to, delivered=delivered)


def on_ping(caller: Caller, frame: Any) -> Reply:
    return PongReply(ref=frame.ref)


HANDLERS: dict[str, Callable[[Caller, Any], Reply]] = {
    "send": on_send,
    "status": on_status,
    "read": on_read,
    "ack": on_ack,
    "ping": on_ping,
}


def answer(caller: Caller, text: str) -> Reply:
    """The one reply to a client frame, with the work the call did."""
    return reply_to(text, CLIENT_FRAME, lambda frame: HANDLERS[frame.type](caller, frame))


F = TypeVar("F", bound=Request)


def reply_to(text: str, frames: TypeAdapter[F], handle: Callable[[F], Reply]) -> Reply:
    """The one reply to a client frame of any socket: `handle`'s, an error naming the bad
    field, or the domain's refusal; with the work the call did."""
    with recording() as work:
        try:
            frame = frames.validate_json(text)
        except ValidationError as error:
            reply: Reply = _invalid(text, error)
        else:
            try:
                reply = handle(frame)
            except DomainError as error:
                reply = ErrorReply(
                    ref=frame.ref, error=error.code, message=error.message, field=error.field
                )
    reply.work = work.to_header()
    return reply


def _invalid(text: str, error: ValidationError) -> ErrorReply:
    """Name the first bad field (without the frame type pydantic puts first) and echo `ref`."""
    first = error.errors()[0]
    loc = [str(part) for part in first["loc"]]
    field = ".".join(loc[1:] if len(loc) > 1 else loc) or None
    message = f"{field}: {first['msg']}" if field else str(first["msg"])
    return ErrorReply(ref=_ref_of(text), error="invalid", message=message, field=field)


def _ref_of(text: str) -> str | None:
    """The `ref` of a frame that failed validation, when it has a readable one."""
    try:
        ref = json.loads(text).get("ref")
    except (ValueError, AttributeError):
        return None
    return ref if isinstance(ref, str) else None


def _token(websocket: WebSocket) -> str | None:
    if token := websocket.query_params.get("token"):
        return token
    scheme, _, credentials = websocket.headers.get("authorization", "").partition(" ")
    return credentials if scheme.lower() == "bearer" and credentials else None


@router.websocket("/ws")
async def chat_socket(websocket: WebSocket) -> None:
    blog: Microblog = websocket.app.state.blog
    account = await authenticated(websocket, blog)
    if account is None:
        return
    await websocket.accept()
    connection = SocketConnection(asyncio.get_running_loop())
    status = await run_sync(blog.chat.presence.chosen_status, account.id)
    connection.send(HelloPush(account_id=account.id, status=status))
    writer: asyncio.Task[None] | None = None
    try:
        await run_sync(blog.chat.connect, account.id, connection)
        writer = asyncio.create_task(connection.pump(websocket))  # `hello` now means connected
        await _serve(websocket, Caller(blog, account.id, connection))
    finally:
        await run_sync(blog.chat.disconnect, account.id, connection)
        if writer is not None:
            writer.cancel()
            with suppress(asyncio.CancelledError):
                await writer


async def authenticated(websocket: WebSocket, blog: Microblog) -> Account | None:
    """The caller's account, or None after refusing the handshake."""
    token = _token(websocket)
    try:
        if token is None:
            raise Unauthorized("missing token: use /ws?token=<token> or a bearer header")
        if is_app_token(token):
            grant = await run_sync(blog.apps.grant, token)
            if Scope.MESSAGES not in grant.scopes:
                raise Forbidden("this app token lacks the 'messages' scope")
        return await run_sync(blog.accounts.authenticate, token)
    except (Unauthorized, Forbidden) as error:
        await websocket.close(code=POLICY_VIOLATION, reason=error.message)
        return None


async def _serve(websocket: WebSocket, caller: Caller) -> None:
    """Answer client frames, one at a time, until the client goes away."""
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        text = message.get("text") or (message.get("bytes") or b"").decode(errors="replace")
        caller.connection.send(await run_sync(answer, caller, text))
