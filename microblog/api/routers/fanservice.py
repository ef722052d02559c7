"""Fan services over HTTP: the certified account's side (open, settings, developer mode,
broadcasts, statistics, dead letters, answers) and the subscriber's (subscribe, write,
tap the menu, read the service inbox). The caller's own routes come before
`/{account_id}` ones, whose id would otherwise swallow `stats` or `inbox`."""

from __future__ import annotations

from fastapi import APIRouter, status

from microblog.api.deps import Blog, CurrentAccountId
from microblog.api.fanservice_schemas import (
    AnswerCreate,
    BroadcastCreate,
    BroadcastPublic,
    DeadLettersPage,
    DeliveryStatsPublic,
    DeveloperMode,
    FanServicePublic,
    FanServiceSettings,
    InboxEntryPublic,
    InboxPage,
    MessageCreate,
    MessageOutcome,
)
from microblog.api.offload import LoopRoute, waits
from microblog.api.params import Cursor, Id, Limit

router = APIRouter(prefix="/fanservice", tags=["fanservice"], route_class=LoopRoute)


@router.post("", status_code=status.HTTP_201_CREATED)
def open_service(account_id: CurrentAccountId, blog: Blog) -> FanServicePublic:
    """Open the caller's fan service (certified accounts only)."""
    return FanServicePublic.of(blog.fanservice.open(account_id))


@router.put("/settings")
def configure(
    body: FanServiceSettings, account_id: CurrentAccountId, blog: Blog
) -> FanServicePublic:
    """Replace the keyword auto-replies and the menu."""
    replies = {r.keyword: r.reply for r in body.auto_replies}
    menu = [item.record() for item in body.menu]
    return FanServicePublic.of(blog.fanservice.configure(account_id, replies, menu))


@router.put("/developer")
@waits
def developer_on(body: DeveloperMode, account_id: CurrentAccountId, blog: Blog) -> FanServicePublic:
    """Developer mode: subscribers' messages go, signed, to the callback URL."""
    url, secret = str(body.callback_url), body.secret
    return FanServicePublic.of(blog.fanservice.bind_callback(account_id, url, secret))


@router.delete("/developer")
def developer_off(account_id: CurrentAccountId, blog: Blog) -> FanServicePublic:
    return FanServicePublic.of(blog.fanservice.bind_callback(account_id, None, None))


@router.post("/broadcasts", status_code=status.HTTP_202_ACCEPTED)
def broadcast(body: BroadcastCreate, account_id: CurrentAccountId, blog: Blog) -> BroadcastPublic:
    """Queue a message to every subscriber (or a segment); inboxes get it by fan-out."""
    sent = blog.fanservice.broadcast(account_id, body.text, body.segment_record())
    return BroadcastPublic.of(sent)


@router.get("/stats")
def stats(account_id: CurrentAccountId, blog: Blog) -> DeliveryStatsPublic:
    return DeliveryStatsPublic.of(blog.fanservice.stats(account_id))


@router.get("/dead-letters")
def dead_letters(
    account_id: CurrentAccountId, blog: Blog, cursor: Cursor = None, limit: Limit = 20
) -> DeadLettersPage:
    """Subscribers' messages the callback failed to take on every attempt, newest first."""
    return DeadLettersPage.of(blog.service_messages.dead_letters(account_id, cursor, limit))


@router.post("/answers", status_code=status.HTTP_201_CREATED)
def answer(body: AnswerCreate, account_id: CurrentAccountId, blog: Blog) -> InboxEntryPublic:
    """The account (or its developer app) answers a subscriber in their service inbox."""
    sent = blog.service_messages.answer(account_id, body.subscriber_id, body.text)
    return InboxEntryPublic.of(sent)


@router.get("/inbox")
def inbox(
    account_id: CurrentAccountId, blog: Blog, cursor: Cursor = None, limit: Limit = 20
) -> InboxPage:
    """The caller's service inbox: broadcasts and answers, newest first."""
    return InboxPage.of(blog.service_messages.inbox(account_id, cursor, limit))


@router.get("/{account_id}")
def service(account_id: Id, _: CurrentAccountId, blog: Blog) -> FanServicePublic:
    return FanServicePublic.of(blog.fanservice.get(account_id))


@router.put("/{account_id}/subscription")
def subscribe(account_id: Id, caller_id: CurrentAccountId, blog: Blog) -> FanServicePublic:
    """Subscribe to a followed account's service (again: no change)."""
    return FanServicePublic.of(blog.fanservice.subscribe(account_id, caller_id))


@router.delete("/{account_id}/subscription")
def unsubscribe(account_id: Id, caller_id: CurrentAccountId, blog: Blog) -> FanServicePublic:
    return FanServicePublic.of(blog.fanservice.unsubscribe(account_id, caller_id))


@router.post("/{account_id}/messages")
def send(
    account_id: Id, body: MessageCreate, caller_id: CurrentAccountId, blog: Blog
) -> MessageOutcome:
    """Write to a subscribed service: a keyword's auto-reply, or forwarded to its app."""
    return MessageOutcome.of(blog.service_messages.send(caller_id, account_id, body.text))


@router.post("/{account_id}/menu/{key}")
def tap(account_id: Id, key: str, caller_id: CurrentAccountId, blog: Blog) -> InboxEntryPublic:
    """Tap a menu button: its answer lands in the caller's inbox."""
    return InboxEntryPublic.of(blog.service_messages.tap(caller_id, account_id, key))
