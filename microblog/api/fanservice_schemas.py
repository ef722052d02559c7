"""Wire formats of fan services: the service, its settings, broadcasts, inbox entries,
delivery statistics and dead letters (never the signing secret)."""

from __future__ import annotations

from pydantic import BaseModel, Field, HttpUrl

from microblog.api.schemas import Body
from microblog.fanservice_models import (
    Broadcast,
    DeadLetter,
    DeliveryStats,
    FanService,
    InboxEntry,
    InboxKind,
    MenuItem,
    Segment,
    SegmentField,
    Sent,
)
from microblog.models import Page


class MenuItemBody(Body):
    key: str = Field(min_length=1, max_length=32, description="What a tap sends.")
    label: str = Field(min_length=1, max_length=32, description="The button's caption.")
    reply: str = Field(min_length=1, description="The answer a tap gets.")

    def record(self) -> MenuItem:
        return MenuItem(self.key, self.label, self.reply)


class AutoReplyBody(Body):
    keyword: str = Field(min_length=1, description="Matched case-insensitively within a message.")
    reply: str = Field(min_length=1)


class FanServiceSettings(Body):
    auto_replies: list[AutoReplyBody] = Field(
        default_factory=list, description="Tried in order; the first keyword found answers."
    )
    menu: list[MenuItemBody] = Field(default_factory=list)


class DeveloperMode(Body):
    callback_url: HttpUrl = Field(description="Where subscribers' messages are POSTed.")
    secret: str = Field(
        min_length=16, max_length=128, description="Key of the HMAC-SHA256 signature."
    )


class SegmentBody(Body):
    field: SegmentField
    value: str = Field(min_length=1, max_length=64)


class BroadcastCreate(Body):
    text: str = Field(min_length=1)
    segment: SegmentBody | None = Field(None, description="Only subscribers whose profile matches.")

    def segment_record(self) -> Segment | None:
        return None if self.segment is None else Segment(self.segment.field, self.segment.value)


class MessageCreate(Body):
    text: str = Field(min_length=1)


class AnswerCreate(Body):
    subscriber_id: int = Field(ge=1)
    text: str = Field(min_length=1)


class MenuItemPublic(BaseModel):
    key: str
    label: str
    reply: str


class FanServicePublic(BaseModel):
    account_id: int
    opened_at: float
    subscribers: int
    menu: list[MenuItemPublic]
    keywords: list[str]
    developer_mode: bool

    @classmethod
    def of(cls, s: FanService) -> FanServicePublic:
        return cls(
            account_id=s.account_id,
            opened_at=s.opened_at,
            subscribers=s.subscribers,
            menu=[MenuItemPublic(key=m.key, label=m.label, reply=m.reply) for m in s.menu],
            keywords=[keyword for keyword, _ in s.auto_replies],
            developer_mode=s.developer_mode,
        )


class BroadcastPublic(BaseModel):
    id: int
    account_id: int
    text: str
    created_at: float

    @classmethod
    def of(cls, b: Broadcast) -> BroadcastPublic:
        return cls(id=b.id, account_id=b.account_id, text=b.text, created_at=b.created_at)


class InboxEntryPublic(BaseModel):
    id: int
    account_id: int
    kind: InboxKind
    text: str
    created_at: float
    broadcast_id: int | None

    @classmethod
    def of(cls, e: InboxEntry) -> InboxEntryPublic:
        return cls(
            id=e.id, account_id=e.account_id, kind=e.kind, text=e.text,
            created_at=e.created_at, broadcast_id=e.broadcast_id,
        )  # fmt: skip


class InboxPage(BaseModel):
    items: list[InboxEntryPublic]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[InboxEntry]) -> InboxPage:
        return cls(items=[InboxEntryPublic.of(e) for e in page.items], next_cursor=page.next_cursor)


class MessageOutcome(BaseModel):
    reply: InboxEntryPublic | None = Field(description="The auto-reply, if a keyword matched.")
    forwarded: bool = Field(description="Sent to the account's developer app, which answers.")

    @classmethod
    def of(cls, sent: Sent) -> MessageOutcome:
        reply = None if sent.reply is None else InboxEntryPublic.of(sent.reply)
        return cls(reply=reply, forwarded=sent.forwarded)


class DeliveryStatsPublic(BaseModel):
    subscribers: int
    broadcasts: int = Field(description="Of the most recent `stats_window` broadcasts.")
    deliveries: int
    pending: int
    lag_p50_s: float | None
    lag_p99_s: float | None
    dead_letters: int

    @classmethod
    def of(cls, s: DeliveryStats) -> DeliveryStatsPublic:
        return cls(
            subscribers=s.subscribers, broadcasts=s.broadcasts, deliveries=s.deliveries,
            pending=s.pending, lag_p50_s=s.lag_p50_s, lag_p99_s=s.lag_p99_s,
            dead_letters=s.dead_letters,
        )  # fmt: skip


class DeadLetterPublic(BaseModel):
    id: int
    subscriber_id: int
    text: str
    attempts: int
    error: str
    failed_at: float


class DeadLettersPage(BaseModel):
    items: list[DeadLetterPublic]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[DeadLetter]) -> DeadLettersPage:
        items = [
            DeadLetterPublic(
                id=d.id,
                subscriber_id=d.subscriber_id,
                text=d.text,
                attempts=d.attempts,
                error=d.error,
                failed_at=d.failed_at,
            )  # fmt: skip
            for d in page.items
        ]
        return cls(items=items, next_cursor=page.next_cursor)
