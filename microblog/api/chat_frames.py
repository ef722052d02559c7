"""WebSocket frames of `/ws`: JSON text frames, each an object with a `type`.

Client frames may carry a `ref` (any string); the server answers each with exactly one
reply carrying the same `ref`: `sent`, `status`, `read`, `acked`, `pong`, or `error`.
Replies also carry `work`, the call's work counters in the `x-fanout-work` header format.
Pushes (`hello`, `message`, `presence`) carry no `ref`.

A client acknowledges the messages it has received with `{"type": "ack", "up_to": ID}`, ID
being the last message id pushed to it (pushes come in id order, so one ack covers every
earlier one). Unacknowledged messages count as not received: the next connection of the
account is pushed them again, so a message pushed just as the client closed is not lost.
A client that never acknowledges is pushed its whole undelivered backlog on every connect;
reading a conversation (`read`) delivers its messages too.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, TypeAdapter

from microblog.api.chat_schemas import MessagePublic, MessageSend
from microblog.api.schemas import Body
from microblog.chat_models import ChatEvent, ChatMessage, Status


class Request(Body):
    ref: str | None = Field(None, max_length=64, description="Echoed in the reply.")


class SendFrame(Request, MessageSend):
    type: Literal["send"]


class StatusFrame(Request):
    type: Literal["status"]
    status: Status


class ReadFrame(Request):
    type: Literal["read"]
    conversation: str
    up_to: int | None = None


class AckFrame(Request):
    type: Literal["ack"]
    up_to: int = Field(description="The last message id received on this socket.")


class PingFrame(Request):
    type: Literal["ping"]


AnyClientFrame = SendFrame | StatusFrame | ReadFrame | AckFrame | PingFrame
ClientFrame = Annotated[AnyClientFrame, Field(discriminator="type")]
CLIENT_FRAME: TypeAdapter[AnyClientFrame] = TypeAdapter(ClientFrame)


class HelloPush(BaseModel):
    """First frame after the handshake, before any backlog."""

    type: Literal["hello"] = "hello"
    account_id: int
    status: Status = Field(description="The status the account chose.")


class MessagePush(BaseModel):
    type: Literal["message"] = "message"
    message: MessagePublic


class PresencePush(BaseModel):
    """A friend's status as this account now sees it."""

    type: Literal["presence"] = "presence"
    account_id: int
    name: str
    status: Status


class Reply(BaseModel):
    type: str
    ref: str | None = None
    work: str = Field("", description="The call's work counters, as in the x-fanout-work header.")


class SentReply(Reply):
    type: Literal["sent"] = "sent"
    message: MessagePublic


class StatusReply(Reply):
    type: Literal["status"] = "status"
    status: Status


class ReadReply(Reply):
    type: Literal["read"] = "read"
    conversation: str
    marked: int


class AckedReply(Reply):
    type: Literal["acked"] = "acked"
    up_to: int
    delivered: int = Field(description="Messages this ack marked delivered (0 when repeated).")


class PongReply(Reply):
    type: Literal["pong"] = "pong"


class ErrorReply(Reply):
    """The same fields as an HTTP error body; the socket stays open."""

    type: Literal["error"] = "error"
    error: str
    message: str
    field: str | None = None


ServerFrame = HelloPush | MessagePush | PresencePush | Reply


def push_frame(event: ChatEvent) -> MessagePush | PresencePush:
    if isinstance(event, ChatMessage):
        return MessagePush(message=MessagePublic.of(event))
    return PresencePush(account_id=event.account_id, name=event.name, status=event.status)
