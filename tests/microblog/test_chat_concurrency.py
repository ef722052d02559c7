"""Many senders at once, on every backend: nothing lost, duplicated or reordered.

Sender threads write direct and group messages concurrently; half the recipients are
connected from the start and the other half connect while the senders are halfway, so
real-time delivery and backlog delivery race each other.
"""

from __future__ import annotations

import threading

import pytest

from microblog.chat_models import ChatMessage
from microblog.models import Account
from microblog.platform import Microblog
from microblog.services.hub import InboxConnection
from tests.microblog.conftest import people
from tests.microblog.test_chat import befriend

SENDERS = 5
MESSAGES_EACH = 200
"""Per sender, alternating the group and its next friend: 1000 messages, 2500 deliveries."""


def storm(
    blog: Microblog, accounts: list[Account], group_id: int, halfway: threading.Event
) -> list[list[ChatMessage]]:
    """Every account sends at once; returns each sender's messages in the order it sent them."""
    sent: list[list[ChatMessage]] = [[] for _ in accounts]
    start = threading.Barrier(len(accounts))

    def run(index: int) -> None:
        me, friend = accounts[index], accounts[(index + 1) % len(accounts)]
        start.wait()
        for n in range(MESSAGES_EACH):
            if index == 0 and n == MESSAGES_EACH // 2:
                halfway.set()
            to, group = (friend.id, None) if n % 2 else (None, group_id)
            sent[index].append(blog.chat.send(me.id, f"{me.name}:{n}", to=to, group_id=group))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(accounts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a sender hung"
    return sent


def addressed_to(account: Account, sent: list[list[ChatMessage]]) -> list[int]:
    """Ids of the messages the account should receive, oldest first."""
    return sorted(
        m.id
        for messages in sent
        for m in messages
        if m.recipient_id == account.id or (m.group_id and m.sender_id != account.id)
    )


@pytest.mark.slow
def test_concurrent_senders_lose_duplicate_and_reorder_nothing(blog: Microblog) -> None:
    accounts = people(blog, *(f"user{i}" for i in range(SENDERS)))
    befriend(blog, *accounts)
    group = blog.groups.create(accounts[0].id, "everyone")
    for account in accounts[1:]:
        blog.groups.join(account.id, group.id)
    inboxes = {a.id: InboxConnection() for a in accounts}
    early, late = accounts[: SENDERS // 2], accounts[SENDERS // 2 :]
    for account in early:
        blog.chat.connect(account.id, inboxes[account.id])
    halfway = threading.Event()

    def connect_late() -> None:
        halfway.wait(timeout=60)
        for account in late:
            blog.chat.connect(account.id, inboxes[account.id])

    latecomer = threading.Thread(target=connect_late)
    latecomer.start()
    sent = storm(blog, accounts, group.id, halfway)
    latecomer.join(timeout=60)

    for messages in sent:
        assert [m.id for m in messages] == sorted(m.id for m in messages), "sender order kept"
    for account in accounts:
        received = [m.id for m in inboxes[account.id].messages]
        assert received == addressed_to(account, sent), f"{account.name}: all, once, in order"
        assert sum(blog.chat.unread(account.id).values()) == len(received)
    everyone = blog.chat.history(accounts[0].id, f"group-{group.id}", limit=100).items
    group_ids = sorted((m.id for s in sent for m in s if m.group_id), reverse=True)
    assert [m.id for m in everyone] == group_ids[:100]
