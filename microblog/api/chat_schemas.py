"""Chat request and response bodies, shared by the HTTP endpoints and the WebSocket frames."""

from __future__ import annotations

from pydantic import BaseModel, Field

from microblog.api.params import Id
from microblog.api.schemas import Body
from microblog.chat_models import ChatMessage, FriendPresence, Status
from microblog.models import Page
from microblog.services.chat import MAX_CLIENT_MSG_ID


class MessageSend(Body):
    to: Id | None = Field(None, description="A friend's account id (direct message).")
    group_id: Id | None = Field(None, description="A group the sender belongs to.")
    text: str = Field(description="Not blank; at most `max_message_chars` (2000 by default).")
    client_msg_id: str | None = Field(
        None,
        min_length=1,
        max_length=MAX_CLIENT_MSG_ID,
        description="The client's id for this message: a resend with it returns the stored "
        "message instead of storing another.",
    )


class MessagePublic(BaseModel):
    id: int
    conversation: str
    sender_id: int
    recipient_id: int | None
    group_id: int | None
    text: str
    sent_at: float
    client_msg_id: str | None

    @classmethod
    def of(cls, m: ChatMessage) -> MessagePublic:
        return cls(
            id=m.id,
            conversation=m.conversation,
            sender_id=m.sender_id,
            recipient_id=m.recipient_id,
            group_id=m.group_id,
            text=m.text,
            sent_at=m.sent_at,
            client_msg_id=m.client_msg_id,
        )


class MessagesPage(BaseModel):
    items: list[MessagePublic]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[ChatMessage]) -> MessagesPage:
        return cls(items=[MessagePublic.of(m) for m in page.items], next_cursor=page.next_cursor)


class ReadMark(Body):
    up_to: Id | None = Field(None, description="Last message id read; omit to read them all.")


class ReadResult(BaseModel):
    conversation: str
    marked: int


class UnreadPublic(BaseModel):
    total: int
    conversations: dict[str, int] = Field(description="Unread count per conversation key.")

    @classmethod
    def of(cls, counts: dict[str, int]) -> UnreadPublic:
        return cls(total=sum(counts.values()), conversations=counts)


class StatusChoice(Body):
    status: Status = Field(description="online, busy, away or invisible.")


class PresencePublic(BaseModel):
    account_id: int
    status: Status = Field(description="The status the account chose.")
    visible: Status = Field(description="What others see: offline when disconnected or invisible.")


class FriendPresencePublic(BaseModel):
    account_id: int
    name: str
    status: Status

    @classmethod
    def of(cls, f: FriendPresence) -> FriendPresencePublic:
        return cls(account_id=f.account_id, name=f.name, status=f.status)


class FriendsPage(BaseModel):
    items: list[FriendPresencePublic]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[FriendPresence]) -> FriendsPage:
        return cls(
            items=[FriendPresencePublic.of(f) for f in page.items], next_cursor=page.next_cursor
        )
