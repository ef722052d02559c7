"""Chat and presence across server processes sharing a store and a Redis tier."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from microblog.chat_models import PresenceChange, Status
from microblog.models import Account
from microblog.platform import Microblog
from microblog.services.hub import LOCK_STRIPES, InboxConnection
from microblog.services.switchboard import SharedSwitchboard
from tests.microblog.conftest import people
from tests.microblog.processes import AckingInbox, server_processes, wait_until
from tests.microblog.test_chat import befriend


@pytest.fixture(params=["sqlite", "postgres"])
def two(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[Microblog]]:
    with server_processes(str(request.param), tmp_path) as blogs:
        yield blogs


@pytest.fixture
def friends(two: list[Microblog]) -> tuple[Account, Account, Account]:
    alice, bob, carol = people(two[0], "alice", "bob", "carol")
    befriend(two[0], alice, bob, carol)
    return alice, bob, carol


def test_messages_sent_through_either_process_reach_a_connection_on_one_once_in_order(
    two: list[Microblog], friends: tuple[Account, Account, Account]
) -> None:
    a, b = two
    alice, bob, _ = friends
    inbox = AckingInbox()
    b.chat.connect(bob.id, inbox)
    sent = [
        (a, b)[n % 2].chat.send(alice.id, f"m{n}", to=bob.id, client_msg_id=f"m{n}")
        for n in range(40)
    ]
    wait_until(lambda: len(inbox.messages) >= len(sent), "bob has every message")
    assert inbox.messages == sent


def test_an_acknowledged_message_is_not_pushed_again_on_the_other_process(
    two: list[Microblog], friends: tuple[Account, Account, Account]
) -> None:
    a, b = two
    alice, bob, _ = friends
    first = AckingInbox()
    b.chat.connect(bob.id, first)
    sent = [a.chat.send(alice.id, f"m{n}", to=bob.id) for n in range(3)]
    wait_until(lambda: len(first.messages) == 3, "bob has the three messages")
    assert b.chat.acknowledge(bob.id, first, sent[1].id) == 2
    b.chat.disconnect(bob.id, first)
    again = AckingInbox()
    a.chat.connect(bob.id, again)
    assert again.messages == sent[2:]


def test_presence_is_the_same_from_either_process_and_changes_reach_friends_on_the_other(
    two: list[Microblog], friends: tuple[Account, Account, Account]
) -> None:
    a, b = two
    alice, bob, _ = friends
    watcher = InboxConnection()
    a.chat.connect(alice.id, watcher)
    b.chat.connect(bob.id, InboxConnection())
    b.chat.presence.set_status(bob.id, Status.BUSY)
    for blog in two:
        assert blog.chat.presence.visible_status(bob.id) is Status.BUSY
        shown = {f.name: f.status for f in blog.chat.presence.friends(alice.id).items}
        assert shown == {"bob": Status.BUSY, "carol": Status.OFFLINE}
    expected = [PresenceChange(bob.id, "bob", s) for s in (Status.ONLINE, Status.BUSY)]
    wait_until(lambda: watcher.events == expected, "alice is told bob came online, then busy")


def test_a_process_that_stops_heartbeating_has_its_connections_expire_and_loses_no_message(
    two: list[Microblog], friends: tuple[Account, Account, Account]
) -> None:
    a, b = two
    alice, bob, _ = friends
    held = AckingInbox()
    b.chat.connect(bob.id, held)
    assert a.chat.presence.visible_status(bob.id) is Status.ONLINE
    switchboard = b.chat.switchboard
    assert isinstance(switchboard, SharedSwitchboard)
    switchboard.heartbeat.stop()  # as if killed: no heartbeat, no goodbye
    switchboard.bus.close()
    wait_until(
        lambda: a.chat.presence.visible_status(bob.id) is Status.OFFLINE,
        "bob's connection on the silent process has expired",
    )
    message = a.chat.send(alice.id, "while you were away", to=bob.id)
    back = AckingInbox()
    a.chat.connect(bob.id, back)
    assert back.messages == [message]


def test_a_flushed_tier_gets_each_process_connections_back_at_its_next_heartbeat(
    two: list[Microblog], friends: tuple[Account, Account, Account]
) -> None:
    a, b = two
    _, bob, _ = friends
    b.chat.connect(bob.id, InboxConnection())
    a.ctx.cache.flush()
    wait_until(
        lambda: a.chat.presence.visible_status(bob.id) is Status.ONLINE,
        "process b has published bob's connection again",
    )


def test_a_count_left_wrong_while_redis_was_away_is_righted_by_the_next_heartbeat(
    two: list[Microblog], friends: tuple[Account, Account, Account]
) -> None:
    a, b = two
    _, bob, carol = friends
    switchboard = b.chat.switchboard
    assert isinstance(switchboard, SharedSwitchboard)
    switchboard.heartbeat.stop()  # beats by hand below
    b.chat.connect(bob.id, InboxConnection())
    directory = switchboard.directory
    directory.redis.hset(directory.own, str(carol.id), 1)  # a disconnect Redis never heard of
    assert a.chat.presence.visible_status(carol.id) is Status.ONLINE
    directory.renew(b.chat.hub.counts, b.chat.hub.locks(range(LOCK_STRIPES)))
    assert a.chat.presence.visible_status(carol.id) is Status.OFFLINE
    assert a.chat.presence.visible_status(bob.id) is Status.ONLINE
