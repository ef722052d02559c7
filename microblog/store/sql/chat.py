"""Chat tables and repository of the SQL backend.

The tables join the shared `metadata`, so importing this module (the SQL store does) is
what makes `create_all` build them. Message ids come from the table's primary key. A new
message claims its recipients' inboxes before it takes its id (`microblog.store.sql.locks`;
SQLite serialises writers anyway), so in every inbox ids increase in commit order: a
delivery that has pushed a message never finds an older one committed after it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Float,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    tuple_,
    update,
)

from microblog.chat_models import ChatMessage, Status
from microblog.store.sql import schema as t
from microblog.store.sql.locks import claim, upsert
from microblog.store.sql.prepared import Prepared
from microblog.work import record

chat_messages = Table(
    "chat_messages",
    t.metadata,
    Column("id", t.Id, primary_key=True, autoincrement=True),
    Column("conversation", String(48), nullable=False),
    Column("sender_id", ForeignKey("accounts.id"), nullable=False),
    Column("recipient_id", ForeignKey("accounts.id")),
    Column("group_id", ForeignKey("groups.id")),
    Column("text", Text, nullable=False),
    Column("sent_at", Float, nullable=False),
    Column("client_msg_id", String(64)),
    Index("ix_chat_messages_conversation", "conversation", "id"),
    UniqueConstraint("sender_id", "client_msg_id", name="uq_chat_messages_client_id"),
)

chat_inbox = Table(
    "chat_inbox",
    t.metadata,
    Column("account_id", ForeignKey("accounts.id"), primary_key=True),
    Column("message_id", ForeignKey("chat_messages.id"), primary_key=True),
    Column("conversation", String(48), nullable=False),
    Column("delivered", Boolean, nullable=False),
    Column("read", Boolean, nullable=False),
    Index("ix_chat_inbox_pending", "account_id", "delivered", "message_id"),
    Index("ix_chat_inbox_unread", "account_id", "read", "conversation"),
)

chat_presence = Table(
    "chat_presence",
    t.metadata,
    Column("account_id", ForeignKey("accounts.id"), primary_key=True),
    Column("status", String(16), nullable=False),
)


# The statements of the send and delivery paths, built once: building a statement costs
# more than running it on SQLite, and these run for every message and every recipient.
_inbox = chat_inbox.c
_MESSAGE_COLUMNS = (
    "conversation", "sender_id", "recipient_id", "group_id", "text", "sent_at", "client_msg_id",
)  # fmt: skip
_INSERT_MESSAGE = Prepared(
    insert(chat_messages)
    .values({name: bindparam(name) for name in _MESSAGE_COLUMNS})
    .returning(chat_messages.c.id)
)
_INSERT_INBOX = insert(chat_inbox)
"""A group message's inbox rows, many in one call."""
_INSERT_ONE_INBOX = Prepared(
    insert(chat_inbox).values(
        account_id=bindparam("account_id"),
        message_id=bindparam("message_id"),
        conversation=bindparam("conversation"),
        delivered=False,
        read=False,
    )
)
"""A direct message's one inbox row, prepared."""
_PENDING = (
    select(_inbox.account_id, chat_messages)
    .join(chat_inbox, _inbox.message_id == chat_messages.c.id)
    .where(_inbox.delivered.is_(False))
    .order_by(_inbox.message_id, _inbox.account_id)
    .limit(bindparam("limit"))
)
"""Completed per call with each account's lower bound (`SqlChat.pending`)."""
_follow = t.follows.c
_MUTUAL_EDGES = Prepared(
    select(func.count()).where(
        or_(
            and_(_follow.follower_id == bindparam("a"), _follow.followee_id == bindparam("b")),
            and_(_follow.follower_id == bindparam("b"), _follow.followee_id == bindparam("a")),
        )
    )
)
_STATUSES = select(chat_presence.c.account_id, chat_presence.c.status).where(
    chat_presence.c.account_id.in_(bindparam("ids", expanding=True))
)
_BY_CLIENT_ID = select(chat_messages).where(
    chat_messages.c.sender_id == bindparam("sender"),
    chat_messages.c.client_msg_id == bindparam("client_msg_id"),
)
_GROUP_MEMBERS = (
    select(t.group_members.c.account_id)
    .where(t.group_members.c.group_id == bindparam("group_id"))
    .order_by(t.group_members.c.account_id)
)
_ACKNOWLEDGE = (
    update(chat_inbox)
    .where(_inbox.account_id == bindparam("account"))
    .where(_inbox.delivered.is_(False))
    .where(_inbox.message_id <= bindparam("up_to"))
    .values(delivered=True)
)
_MARK_DELIVERED = (
    update(chat_inbox)
    .where(tuple_(_inbox.account_id, _inbox.message_id).in_(bindparam("entries", expanding=True)))
    .where(_inbox.delivered.is_(False))
    .values(delivered=True)
)


def _message(row: Any) -> ChatMessage:
    return ChatMessage(
        row.id,
        row.conversation,
        row.sender_id,
        row.text,
        row.sent_at,
        row.recipient_id,
        row.group_id,
        row.client_msg_id,
    )


def _messages(
    conn: Connection, query: Any, parameters: dict[str, Any] | None = None
) -> list[ChatMessage]:
    found = [_message(row) for row in conn.execute(query, parameters)]
    record(db_reads=len(found))
    return found


LIKE_ESCAPE = "/"


def _escaped(text: str) -> str:
    """`text` matched literally by LIKE ... ESCAPE '/' (what `startswith(autoescape=True)`
    does for a literal)."""
    for special in (LIKE_ESCAPE, "%", "_"):
        text = text.replace(special, LIKE_ESCAPE + special)
    return text


def _friends_page(prefixed: bool, paged: bool, limited: bool) -> Prepared:
    """Mutual follows of `account` by name: names starting with `pattern` when `prefixed`,
    after `after` when `paged`, at most `limit` when `limited`."""
    out, back, a = t.follows.alias("out"), t.follows.alias("back"), t.accounts.c
    mutual = and_(back.c.follower_id == out.c.followee_id, back.c.followee_id == out.c.follower_id)
    query = (
        select(a.id, a.name)
        .select_from(out.join(back, mutual).join(t.accounts, a.id == out.c.followee_id))
        .where(out.c.follower_id == bindparam("account"))
    )
    if prefixed:
        query = query.where(func.lower(a.name).like(bindparam("pattern"), escape=LIKE_ESCAPE))
    if paged:
        query = query.where(a.name > bindparam("after"))
    query = query.order_by(a.name)
    return Prepared(query.limit(bindparam("limit")) if limited else query)


_FRIENDS = {
    (prefixed, paged, limited): _friends_page(prefixed, paged, limited)
    for prefixed in (False, True)
    for paged in (False, True)
    for limited in (False, True)
}
"""Every variant of a friends list: chat clients ask for it on opening, presence with it."""


class SqlChat:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add_message(self, message: ChatMessage, recipient_ids: list[int]) -> ChatMessage:
        claim(self.conn, *(("inbox", a) for a in recipient_ids))
        new_id = _INSERT_MESSAGE.inserted_id(
            self.conn, conversation=message.conversation, sender_id=message.sender_id,
            recipient_id=message.recipient_id, group_id=message.group_id, text=message.text,
            sent_at=message.sent_at, client_msg_id=message.client_msg_id,
        )  # fmt: skip
        if len(recipient_ids) == 1:
            _INSERT_ONE_INBOX.run(
                self.conn, account_id=recipient_ids[0], message_id=new_id,
                conversation=message.conversation,
            )  # fmt: skip
        elif recipient_ids:
            entry = {"message_id": new_id, "conversation": message.conversation}
            rows = [
                {**entry, "account_id": a, "delivered": False, "read": False} for a in recipient_ids
            ]
            self.conn.execute(_INSERT_INBOX, rows)
        record(db_writes=1 + len(recipient_ids))
        return replace(message, id=new_id)

    def by_client_id(self, sender_id: int, client_msg_id: str) -> ChatMessage | None:
        # Concurrent resends of one message queue here; the second finds the first's row.
        claim(self.conn, ("client-message", sender_id, client_msg_id))
        found = _messages(
            self.conn, _BY_CLIENT_ID, {"sender": sender_id, "client_msg_id": client_msg_id}
        )
        return found[0] if found else None

    def history(self, conversation: str, before: int | None, limit: int) -> list[ChatMessage]:
        c = chat_messages.c
        query = select(chat_messages).where(c.conversation == conversation)
        if before is not None:
            query = query.where(c.id < before)
        return _messages(self.conn, query.order_by(c.id.desc()).limit(limit))

    def pending(self, after: Mapping[int, int], limit: int) -> list[tuple[int, ChatMessage]]:
        above = or_(
            *(and_(_inbox.account_id == a, _inbox.message_id > low) for a, low in after.items())
        )
        rows = self.conn.execute(_PENDING.where(above), {"limit": limit})
        found = [(row.account_id, _message(row)) for row in rows]
        record(db_reads=len(found))
        return found

    def mark_delivered(self, entries: list[tuple[int, int]]) -> None:
        changed = 0
        if entries:
            changed = self.conn.execute(_MARK_DELIVERED, {"entries": entries}).rowcount
        record(db_writes=changed)

    def acknowledge(self, account_id: int, up_to: int) -> int:
        changed: int = self.conn.execute(
            _ACKNOWLEDGE, {"account": account_id, "up_to": up_to}
        ).rowcount
        record(db_writes=changed)
        return changed

    def unread_counts(self, account_id: int) -> dict[str, int]:
        i = chat_inbox.c
        query = (
            select(i.conversation, func.count())
            .where(i.account_id == account_id, i.read.is_(False))
            .group_by(i.conversation)
        )
        counts = {conversation: count for conversation, count in self.conn.execute(query)}
        record(db_reads=len(counts))
        return counts

    def mark_read(self, account_id: int, conversation: str, up_to: int | None) -> int:
        i = chat_inbox.c
        where = and_(i.account_id == account_id, i.conversation == conversation, i.read.is_(False))
        if up_to is not None:
            where = and_(where, i.message_id <= up_to)
        changed: int = self.conn.execute(
            update(chat_inbox).where(where).values(read=True, delivered=True)
        ).rowcount
        record(db_writes=changed)
        return changed

    def set_status(self, account_id: int, status: Status) -> None:
        values = {"account_id": account_id, "status": status.value}
        upsert(self.conn, chat_presence, values, ["account_id"])
        record(cache_writes=1)

    def statuses(self, account_ids: list[int]) -> dict[int, Status]:
        rows = self.conn.execute(_STATUSES, {"ids": account_ids})
        found = {account_id: Status(status) for account_id, status in rows}
        record(cache_reads=len(found))
        return found

    def is_friend(self, a: int, b: int) -> bool:
        (edges,) = _MUTUAL_EDGES.scalars(self.conn, a=a, b=b)
        record(db_reads=edges)
        return edges == 2

    def group_members(self, group_id: int) -> list[int]:
        members = list(self.conn.scalars(_GROUP_MEMBERS, {"group_id": group_id}))
        record(db_reads=len(members))
        return members

    def friends(
        self, account_id: int, name_prefix: str, after_name: str | None, limit: int | None
    ) -> list[tuple[int, str]]:
        statement = _FRIENDS[bool(name_prefix), after_name is not None, limit is not None]
        pattern = _escaped(name_prefix.lower()) + "%"
        rows = statement.rows(
            self.conn, account=account_id, pattern=pattern, after=after_name, limit=limit
        )
        found = [(i, name) for i, name in rows]
        record(db_reads=len(found))
        return found
