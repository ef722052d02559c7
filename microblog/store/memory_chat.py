"""Chat tables of the memory backend: messages, per-recipient inboxes and presence statuses.

Ids are assigned under the store's lock and appended at once, so every per-conversation
and per-inbox list is in id order without sorting.

Messages are stored by column (`MessageColumns`) and rebuilt when read: a simulated day
of a million users stores tens of millions of them, and as `ChatMessage` objects in a
dict each cost ~300 bytes besides its text; by column, ~50.
"""

from __future__ import annotations

import heapq
import itertools
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from operator import ge
from typing import TYPE_CHECKING

from microblog.chat_models import ChatMessage, Status
from microblog.store.columns import ColumnTable
from microblog.store.paging import page_sorted
from microblog.work import record

if TYPE_CHECKING:
    from microblog.store.memory import MemoryData


MESSAGE_FIELDS = {"sender_id": "q", "sent_at": "d", "recipient_id": "q", "group_id": "q"}
"""The numeric columns of a stored message; 0 stands for no recipient or no group (no
account or group has id 0)."""


class MessageColumns:
    """Every stored message: numbers in a `ColumnTable`, strings in lists beside it."""

    def __init__(self) -> None:
        self.numbers = ColumnTable(MESSAGE_FIELDS)
        self.conversations: list[str] = []
        """One string object per conversation, shared by all its messages."""
        self.texts: list[str] = []
        self.client_ids: dict[int, str] = {}
        """Message id -> the sender's `client_msg_id`, for messages that carried one."""

    def append(self, message: ChatMessage, conversation: str) -> ChatMessage:
        """Store `message` (with `conversation` as its canonical key) under the next id."""
        message_id = self.numbers.append(
            (message.sender_id, message.sent_at, message.recipient_id or 0, message.group_id or 0)
        )
        self.conversations.append(conversation)
        self.texts.append(message.text)
        if message.client_msg_id is not None:
            self.client_ids[message_id] = message.client_msg_id
        return self[message_id]

    def __getitem__(self, message_id: int) -> ChatMessage:
        sender_id, sent_at, recipient_id, group_id = self.numbers[message_id]
        return ChatMessage(
            message_id,
            self.conversations[message_id - 1],
            int(sender_id),
            self.texts[message_id - 1],
            sent_at,
            int(recipient_id) or None,
            int(group_id) or None,
            self.client_ids.get(message_id),
        )


@dataclass
class ChatData:
    messages: MessageColumns = field(default_factory=MessageColumns)
    conversations: defaultdict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    conversation_keys: dict[str, str] = field(default_factory=dict)
    """Each conversation key to its one stored string object."""
    client_ids: dict[tuple[int, str], int] = field(default_factory=dict)
    undelivered: defaultdict[int, dict[int, None]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    """Per account, undelivered message ids as an insertion-ordered set (oldest first)."""
    unread: defaultdict[int, defaultdict[str, list[int]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    """Per account and conversation, unread message ids in ascending order."""
    statuses: dict[int, Status] = field(default_factory=dict)


class MemoryChat:
    def __init__(self, data: MemoryData) -> None:
        self.social = data
        self.d = data.chat

    def add_message(self, message: ChatMessage, recipient_ids: list[int]) -> ChatMessage:
        key = self.d.conversation_keys.setdefault(message.conversation, message.conversation)
        stored = self.d.messages.append(message, key)
        self.d.conversations[key].append(stored.id)
        if stored.client_msg_id is not None:
            self.d.client_ids[(stored.sender_id, stored.client_msg_id)] = stored.id
        for account_id in recipient_ids:
            self.d.undelivered[account_id][stored.id] = None
            self.d.unread[account_id][key].append(stored.id)
        record(db_writes=1 + len(recipient_ids))
        return stored

    def by_client_id(self, sender_id: int, client_msg_id: str) -> ChatMessage | None:
        message_id = self.d.client_ids.get((sender_id, client_msg_id))
        record(db_reads=0 if message_id is None else 1)
        return None if message_id is None else self.d.messages[message_id]

    def history(self, conversation: str, before: int | None, limit: int) -> list[ChatMessage]:
        ids = page_sorted(self.d.conversations.get(conversation, []), before, limit)
        record(db_reads=len(ids))
        return [self.d.messages[i] for i in ids]

    def pending(self, after: Mapping[int, int], limit: int) -> list[tuple[int, ChatMessage]]:
        queues = [
            zip(
                itertools.dropwhile(partial(ge, low), self.d.undelivered.get(account_id, {})),
                itertools.repeat(account_id),
            )
            for account_id, low in after.items()
        ]
        oldest = itertools.islice(heapq.merge(*queues), limit)
        found = [(account_id, self.d.messages[message_id]) for message_id, account_id in oldest]
        record(db_reads=len(found))
        return found

    def mark_delivered(self, entries: list[tuple[int, int]]) -> None:
        delivered = 0
        for account_id, message_id in entries:
            undelivered = self.d.undelivered.get(account_id, {})
            if message_id in undelivered:
                del undelivered[message_id]
                delivered += 1
        record(db_writes=delivered)

    def acknowledge(self, account_id: int, up_to: int) -> int:
        undelivered = self.d.undelivered.get(account_id, {})
        received = list(itertools.takewhile(partial(ge, up_to), undelivered))
        for message_id in received:
            del undelivered[message_id]
        record(db_writes=len(received))
        return len(received)

    def unread_counts(self, account_id: int) -> dict[str, int]:
        counts = {c: len(ids) for c, ids in self.d.unread.get(account_id, {}).items() if ids}
        record(db_reads=len(counts))
        return counts

    def mark_read(self, account_id: int, conversation: str, up_to: int | None) -> int:
        unread = self.d.unread[account_id].get(conversation, [])
        end = len(unread) if up_to is None else bisect_right(unread, up_to)
        read = unread[:end]
        del unread[:end]
        undelivered = self.d.undelivered.get(account_id, {})
        for message_id in read:
            undelivered.pop(message_id, None)
        record(db_writes=len(read))
        return len(read)

    def set_status(self, account_id: int, status: Status) -> None:
        self.d.statuses[account_id] = status
        record(cache_writes=1)

    def statuses(self, account_ids: list[int]) -> dict[int, Status]:
        found = {i: s for i in account_ids if (s := self.d.statuses.get(i)) is not None}
        record(cache_reads=len(found))
        return found

    def is_friend(self, a: int, b: int) -> bool:
        edges = self.social.followees.has(a, b) + self.social.followees.has(b, a)
        record(db_reads=edges)
        return edges == 2

    def group_members(self, group_id: int) -> list[int]:
        members = sorted(self.social.members.get(group_id, ()))
        record(db_reads=len(members))
        return members

    def friends(
        self, account_id: int, name_prefix: str, after_name: str | None, limit: int | None
    ) -> list[tuple[int, str]]:
        followers = self.social.followers.get(account_id, set())
        mutual = (i for i in self.social.followees.get(account_id, ()) if i in followers)
        prefix = name_prefix.lower()
        named = sorted(
            (self.social.accounts[i].name, i)
            for i in mutual
            if self.social.accounts[i].name.lower().startswith(prefix)
        )
        found = [(i, name) for name, i in named if after_name is None or name > after_name]
        found = found[:limit]
        record(db_reads=len(found))
        return found
