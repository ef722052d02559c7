"""Chat over plain HTTP: send, history, unread counts, mark read, presence and friends.

Real-time delivery needs the WebSocket (`/ws`); these endpoints let plain HTTP clients and
load tests send and read the same conversations, and a message sent here is pushed to the
recipients' live sockets like one sent over a socket.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, status

from microblog.api.chat_schemas import (
    FriendsPage,
    MessagePublic,
    MessageSend,
    MessagesPage,
    PresencePublic,
    ReadMark,
    ReadResult,
    StatusChoice,
    UnreadPublic,
)
from microblog.api.deps import Blog, CurrentAccountId
from microblog.api.offload import LoopRoute
from microblog.api.params import Cursor, Limit
from microblog.api.rate_limits import limit
from microblog.platform import Microblog
from microblog.rate_limit_config import Action

router = APIRouter(prefix="/chat", tags=["chat"], route_class=LoopRoute)


def presence_of(blog: Microblog, account_id: int) -> PresencePublic:
    presence = blog.chat.presence
    return PresencePublic(
        account_id=account_id,
        status=presence.chosen_status(account_id),
        visible=presence.visible_status(account_id),
    )


@router.post("/messages", status_code=status.HTTP_201_CREATED, dependencies=[limit(Action.MESSAGE)])
def send(body: MessageSend, account_id: CurrentAccountId, blog: Blog) -> MessagePublic:
    """Send to a friend (`to`) or a group (`group_id`); a resend with the same
    `client_msg_id` returns the stored message."""
    message = blog.chat.send(
        account_id,
        body.text,
        to=body.to,
        group_id=body.group_id,
        client_msg_id=body.client_msg_id,
    )
    return MessagePublic.of(message)


@router.get("/conversations/{conversation}/messages")
def history(
    conversation: str,
    account_id: CurrentAccountId,
    blog: Blog,
    cursor: Cursor = None,
    limit: Limit = 20,
) -> MessagesPage:
    """A conversation (`dm-<low id>-<high id>` or `group-<id>`), newest first."""
    return MessagesPage.of(blog.chat.history(account_id, conversation, cursor, limit))


@router.post("/conversations/{conversation}/read")
def mark_read(
    conversation: str, account_id: CurrentAccountId, blog: Blog, body: ReadMark | None = None
) -> ReadResult:
    """Mark messages read up to `up_to` (all when omitted); they will not be pushed again."""
    up_to = body.up_to if body else None
    marked = blog.chat.mark_read(account_id, conversation, up_to)
    return ReadResult(conversation=conversation, marked=marked)


@router.get("/unread")
def unread(account_id: CurrentAccountId, blog: Blog) -> UnreadPublic:
    return UnreadPublic.of(blog.chat.unread(account_id))


@router.get("/presence")
def my_presence(account_id: CurrentAccountId, blog: Blog) -> PresencePublic:
    return presence_of(blog, account_id)


@router.put("/presence")
def choose_status(body: StatusChoice, account_id: CurrentAccountId, blog: Blog) -> PresencePublic:
    """Choose online, busy, away or invisible; connected friends are told what they now see."""
    blog.chat.presence.set_status(account_id, body.status)
    return presence_of(blog, account_id)


@router.get("/friends")
def friends(
    account_id: CurrentAccountId,
    blog: Blog,
    prefix: str = Query(
        "", max_length=32, pattern=r"^[A-Za-z0-9_]*$", description="Name prefix, any case."
    ),
    cursor: Cursor = None,
    limit: Limit = 20,
) -> FriendsPage:
    """Friends (mutual follows) by name, with the status each shows."""
    return FriendsPage.of(blog.chat.presence.friends(account_id, prefix, cursor, limit))
