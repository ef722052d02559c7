"""Presence on every backend: chosen status, what friends see, friend search, pushed changes."""

from __future__ import annotations

import pytest

from microblog.chat_models import FriendPresence, PresenceChange, Status
from microblog.errors import Invalid
from microblog.models import Account
from microblog.platform import Microblog
from microblog.services.hub import InboxConnection
from microblog.work import recording
from tests.microblog.conftest import people
from tests.microblog.test_chat import befriend, connected


def changes(connection: InboxConnection) -> list[tuple[str, Status]]:
    return [(e.name, e.status) for e in connection.events if isinstance(e, PresenceChange)]


@pytest.fixture
def trio(blog: Microblog) -> tuple[Account, Account, Account]:
    """alice and bob are friends; carol only follows alice."""
    alice, bob, carol = people(blog, "alice", "bob", "carol")
    befriend(blog, alice, bob)
    blog.graph.follow(carol.id, alice.id)
    return alice, bob, carol


def test_an_account_without_a_live_connection_is_offline(
    blog: Microblog, trio: tuple[Account, Account, Account]
) -> None:
    alice, _, _ = trio
    blog.chat.presence.set_status(alice.id, Status.BUSY)
    assert blog.chat.presence.visible_status(alice.id) is Status.OFFLINE
    connection = connected(blog, alice)
    assert blog.chat.presence.visible_status(alice.id) is Status.BUSY
    blog.chat.disconnect(alice.id, connection)
    assert blog.chat.presence.visible_status(alice.id) is Status.OFFLINE
    assert blog.chat.presence.chosen_status(alice.id) is Status.BUSY


def test_a_connected_account_is_online_until_it_chooses_otherwise(
    blog: Microblog, trio: tuple[Account, Account, Account]
) -> None:
    alice, bob, _ = trio
    connected(blog, alice)
    for status in (Status.ONLINE, Status.AWAY, Status.BUSY):
        if status is not Status.ONLINE:
            blog.chat.presence.set_status(alice.id, status)
        assert blog.chat.presence.friends(bob.id).items == [
            FriendPresence(alice.id, "alice", status)
        ]


def test_invisible_looks_offline_to_others(
    blog: Microblog, trio: tuple[Account, Account, Account]
) -> None:
    alice, bob, _ = trio
    connected(blog, alice)
    blog.chat.presence.set_status(alice.id, Status.INVISIBLE)
    assert blog.chat.presence.visible_status(alice.id) is Status.OFFLINE
    assert blog.chat.presence.friends(bob.id).items[0].status is Status.OFFLINE
    assert blog.chat.presence.chosen_status(alice.id) is Status.INVISIBLE


def test_offline_is_not_a_status_one_chooses(
    blog: Microblog, trio: tuple[Account, Account, Account]
) -> None:
    with pytest.raises(Invalid) as error:
        blog.chat.presence.set_status(trio[0].id, Status.OFFLINE)
    assert error.value.field == "status"


def test_changes_are_pushed_to_connected_friends_only(
    blog: Microblog, trio: tuple[Account, Account, Account]
) -> None:
    alice, bob, carol = trio
    bob_inbox, carol_inbox = connected(blog, bob), connected(blog, carol)
    phone = connected(blog, alice)
    laptop = connected(blog, alice)
    blog.chat.presence.set_status(alice.id, Status.AWAY)
    blog.chat.presence.set_status(alice.id, Status.AWAY)
    blog.chat.disconnect(alice.id, phone)
    blog.chat.disconnect(alice.id, laptop)
    assert changes(bob_inbox) == [
        ("alice", Status.ONLINE),
        ("alice", Status.AWAY),
        ("alice", Status.OFFLINE),
    ]
    assert changes(carol_inbox) == []


def test_going_invisible_and_leaving_invisibly_each_announce_offline_once(
    blog: Microblog, trio: tuple[Account, Account, Account]
) -> None:
    alice, bob, _ = trio
    bob_inbox = connected(blog, bob)
    blog.chat.presence.set_status(alice.id, Status.INVISIBLE)
    connection = connected(blog, alice)
    blog.chat.disconnect(alice.id, connection)
    assert changes(bob_inbox) == []
    connection = connected(blog, alice)
    blog.chat.presence.set_status(alice.id, Status.ONLINE)
    blog.chat.presence.set_status(alice.id, Status.INVISIBLE)
    assert changes(bob_inbox) == [("alice", Status.ONLINE), ("alice", Status.OFFLINE)]


def test_presence_fan_out_counts_one_push_per_friend_connection(blog: Microblog) -> None:
    alice, *friends = people(blog, "alice", "bob", "carol", "dave")
    befriend(blog, alice, *friends)
    for friend in friends[:2]:
        connected(blog, friend)
    with recording() as work:
        connected(blog, alice)
    assert work.pushes == 2


def test_friends_are_searchable_by_name_prefix_in_any_case(blog: Microblog) -> None:
    me, *others = people(blog, "myself", "Anna", "andrew", "annabel", "bob", "anton")
    befriend(blog, me, *others[:4])
    blog.graph.follow(others[4].id, me.id)  # anton follows me; not a friend
    find = blog.chat.presence.friends
    assert [f.name for f in find(me.id, "an").items] == ["Anna", "andrew", "annabel"]
    assert [f.name for f in find(me.id, "ANNA").items] == ["Anna", "annabel"]
    assert [f.name for f in find(me.id).items] == ["Anna", "andrew", "annabel", "bob"]
    assert find(me.id, "z").items == []
    assert find(me.id, "_").items == []


def test_friend_lists_page_by_name(blog: Microblog) -> None:
    me, *others = people(blog, "myself", "fan_a", "fan_b", "fan_c", "fan_d", "fan_e")
    befriend(blog, me, *others)
    first = blog.chat.presence.friends(me.id, "fan_", limit=3)
    rest = blog.chat.presence.friends(me.id, "fan_", first.next_cursor, limit=3)
    assert [f.name for f in first.items + rest.items] == [
        "fan_a",
        "fan_b",
        "fan_c",
        "fan_d",
        "fan_e",
    ]
    assert rest.next_cursor is None
