"""Direct and group chat on every backend: delivery, backlog, idempotency, history, unread."""

from __future__ import annotations

import pytest

from microblog.chat_models import ChatMessage, Conversation, Status
from microblog.errors import Conflict, Forbidden, Invalid, NotFound
from microblog.models import Account
from microblog.platform import Microblog
from microblog.services.hub import InboxConnection
from microblog.work import recording
from tests.microblog.conftest import people


def befriend(blog: Microblog, *accounts: Account) -> None:
    """Make every pair of the accounts mutual followers."""
    for a in accounts:
        for b in accounts:
            if a.id != b.id:
                blog.graph.follow(a.id, b.id)


def connected(blog: Microblog, account: Account) -> InboxConnection:
    connection = InboxConnection()
    blog.chat.connect(account.id, connection)
    return connection


def texts(messages: list[ChatMessage]) -> list[str]:
    return [m.text for m in messages]


@pytest.fixture
def pair(blog: Microblog) -> tuple[Account, Account]:
    alice, bob = people(blog, "alice", "bob")
    befriend(blog, alice, bob)
    return alice, bob


def test_a_message_to_a_connected_friend_is_pushed_at_once(
    blog: Microblog, pair: tuple[Account, Account]
) -> None:
    alice, bob = pair
    inbox = connected(blog, bob)
    sent = blog.chat.send(alice.id, "hi bob", to=bob.id)
    assert inbox.messages == [sent]
    assert (
        sent.conversation == Conversation.direct(alice.id, bob.id).key == f"dm-{alice.id}-{bob.id}"
    )
    assert (sent.sender_id, sent.recipient_id, sent.group_id) == (alice.id, bob.id, None)


def test_every_message_carries_its_server_send_time(
    blog: Microblog, pair: tuple[Account, Account]
) -> None:
    alice, bob = pair
    first = blog.chat.send(alice.id, "one", to=bob.id)
    second = blog.chat.send(alice.id, "two", to=bob.id)
    assert 0 < first.sent_at < second.sent_at


def test_an_offline_friend_gets_the_backlog_on_connect_in_order_exactly_once(
    blog: Microblog, pair: tuple[Account, Account]
) -> None:
    alice, bob = pair
    sent = [blog.chat.send(alice.id, f"m{i}", to=bob.id) for i in range(5)]
    first = connected(blog, bob)
    assert first.messages == sent
    second = connected(blog, bob)
    blog.chat.disconnect(bob.id, first)
    blog.chat.disconnect(bob.id, second)
    third = connected(blog, bob)
    assert second.messages == [] and third.messages == []


def test_messages_reach_every_live_connection_of_the_recipient(
    blog: Microblog, pair: tuple[Account, Account]
) -> None:
    alice, bob = pair
    phone, desktop = connected(blog, bob), connected(blog, bob)
    sent = blog.chat.send(alice.id, "both", to=bob.id)
    assert phone.messages == desktop.messages == [sent]


def test_a_connected_but_invisible_friend_still_receives_in_real_time(
    blog: Microblog, pair: tuple[Account, Account]
) -> None:
    alice, bob = pair
    inbox = connected(blog, bob)
    blog.chat.presence.set_status(bob.id, Status.INVISIBLE)
    sent = blog.chat.send(alice.id, "are you there?", to=bob.id)
    assert inbox.messages == [sent]


def test_only_friends_may_message_each_other(blog: Microblog) -> None:
    alice, bob, fan = people(blog, "alice", "bob", "fan")
    blog.graph.follow(fan.id, alice.id)
    for sender, recipient in [(alice.id, bob.id), (fan.id, alice.id), (alice.id, fan.id)]:
        with pytest.raises(Forbidden, match="not your friend"):
            blog.chat.send(sender, "hello", to=recipient)
    with pytest.raises(NotFound):
        blog.chat.send(alice.id, "hello", to=999)
    assert blog.chat.unread(alice.id) == blog.chat.unread(fan.id) == {}


def test_group_chat_reaches_members_only(blog: Microblog) -> None:
    owner, member, outsider = people(blog, "owner", "member", "outsider")
    group = blog.groups.create(owner.id, "book club")
    blog.groups.join(member.id, group.id)
    inboxes = {a.id: connected(blog, a) for a in (owner, member, outsider)}
    sent = blog.chat.send(owner.id, "welcome", group_id=group.id)
    assert sent.conversation == f"group-{group.id}"
    assert inboxes[member.id].messages == [sent]
    assert inboxes[owner.id].messages == inboxes[outsider.id].messages == []
    with pytest.raises(Forbidden, match="members only"):
        blog.chat.send(outsider.id, "let me in", group_id=group.id)
    with pytest.raises(Forbidden):
        blog.chat.history(outsider.id, sent.conversation)
    with pytest.raises(NotFound):
        blog.chat.send(owner.id, "nobody", group_id=999)


def test_a_resend_with_the_same_client_msg_id_stores_one_message(
    blog: Microblog, pair: tuple[Account, Account]
) -> None:
    alice, bob = pair
    inbox = connected(blog, bob)
    first = blog.chat.send(alice.id, "once", to=bob.id, client_msg_id="c-1")
    again = blog.chat.send(alice.id, "once", to=bob.id, client_msg_id="c-1")
    assert again == first
    assert blog.chat.history(bob.id, first.conversation).items == [first]
    assert inbox.messages == [first]
    assert blog.chat.unread(bob.id) == {first.conversation: 1}
    with pytest.raises(Conflict, match="c-1"):
        blog.chat.send(alice.id, "something else", to=bob.id, client_msg_id="c-1")


def test_client_msg_ids_belong_to_their_sender(
    blog: Microblog, pair: tuple[Account, Account]
) -> None:
    alice, bob = pair
    mine = blog.chat.send(alice.id, "same id", to=bob.id, client_msg_id="c-1")
    yours = blog.chat.send(bob.id, "same id", to=alice.id, client_msg_id="c-1")
    assert mine.id != yours.id


def test_history_is_newest_first_and_cursor_paged(
    blog: Microblog, pair: tuple[Account, Account]
) -> None:
    alice, bob = pair
    turns = [(alice, bob), (bob, alice)] * 3
    sent = [blog.chat.send(a.id, f"m{i}", to=b.id) for i, (a, b) in enumerate(turns[:5])]
    key = sent[0].conversation
    first = blog.chat.history(alice.id, key, limit=3)
    rest = blog.chat.history(bob.id, key, first.next_cursor, limit=3)
    assert texts(first.items) == ["m4", "m3", "m2"] and texts(rest.items) == ["m1", "m0"]
    assert rest.next_cursor is None


def test_nobody_reads_another_pairs_conversation(blog: Microblog) -> None:
    alice, bob, mallory = people(blog, "alice", "bob", "mallory")
    befriend(blog, alice, bob)
    key = blog.chat.send(alice.id, "secret", to=bob.id).conversation
    with pytest.raises(Forbidden, match="participants"):
        blog.chat.history(mallory.id, key)
    with pytest.raises(Forbidden):
        blog.chat.mark_read(mallory.id, key)
    for bad in ["dm-2-1", "dm-1-1", "chat-1", "dm-1"]:
        with pytest.raises(Invalid) as error:
            blog.chat.history(alice.id, bad)
        assert error.value.field == "conversation"


@pytest.mark.parametrize(
    "key", ["group-\u0661", "group-1\n", "group-01", "dm-1-99999999999999999999", "group-0"]
)
def test_a_conversation_key_names_ids_a_store_can_hold(key: str) -> None:
    """Found by the API fuzzer: `group-<20 digits>` overflowed SQLite (a 500); other
    scripts' digits named a conversation under another key."""
    with pytest.raises(Invalid) as error:
        Conversation.parse(key)
    assert error.value.field == "conversation"


def test_unread_counts_per_conversation_and_mark_read(blog: Microblog) -> None:
    alice, bob, carol = people(blog, "alice", "bob", "carol")
    befriend(blog, alice, bob, carol)
    from_bob = [blog.chat.send(bob.id, f"b{i}", to=alice.id) for i in range(3)]
    blog.chat.send(carol.id, "c0", to=alice.id)
    blog.chat.send(alice.id, "reply", to=bob.id)
    bob_key, carol_key = from_bob[0].conversation, Conversation.direct(alice.id, carol.id).key
    assert blog.chat.unread(alice.id) == {bob_key: 3, carol_key: 1}
    assert blog.chat.mark_read(alice.id, bob_key, up_to=from_bob[1].id) == 2
    assert blog.chat.unread(alice.id) == {bob_key: 1, carol_key: 1}
    assert blog.chat.mark_read(alice.id, bob_key) == 1
    assert blog.chat.mark_read(alice.id, bob_key) == 0
    assert blog.chat.unread(alice.id) == {carol_key: 1}
    assert blog.chat.unread(bob.id) == {bob_key: 1}


def test_messages_read_before_connecting_are_not_pushed_again(
    blog: Microblog, pair: tuple[Account, Account]
) -> None:
    alice, bob = pair
    read, unread = (blog.chat.send(alice.id, t, to=bob.id) for t in ("read", "unread"))
    blog.chat.mark_read(bob.id, read.conversation, up_to=read.id)
    assert connected(blog, bob).messages == [unread]


@pytest.mark.parametrize(
    ("text", "target", "field"),
    [
        pytest.param("", {"to": "bob"}, "text", id="empty"),
        pytest.param("   ", {"to": "bob"}, "text", id="blank"),
        pytest.param("x" * 2001, {"to": "bob"}, "text", id="too-long"),
        pytest.param("hi", {}, "to", id="no-target"),
        pytest.param("hi", {"to": "bob", "group_id": "club"}, "to", id="two-targets"),
        pytest.param("hi", {"to": "alice"}, "to", id="to-self"),
    ],
)
def test_bad_messages_are_refused_naming_the_field(
    blog: Microblog,
    pair: tuple[Account, Account],
    text: str,
    target: dict[str, str],
    field: str,
) -> None:
    alice, bob = pair
    ids = {"alice": alice.id, "bob": bob.id, "club": blog.groups.create(alice.id, "club").id}
    with pytest.raises(Invalid) as error:
        blog.chat.send(
            alice.id,
            text,
            to=ids.get(target.get("to", "")),
            group_id=ids.get(target.get("group_id", "")),
        )
    assert error.value.field == field


def test_overlong_client_msg_ids_are_refused(
    blog: Microblog, pair: tuple[Account, Account]
) -> None:
    alice, bob = pair
    with pytest.raises(Invalid) as error:
        blog.chat.send(alice.id, "hi", to=bob.id, client_msg_id="x" * 65)
    assert error.value.field == "client_msg_id"


def test_sending_counts_stored_rows_and_pushes(
    blog: Microblog, pair: tuple[Account, Account]
) -> None:
    """One message row, one inbox entry, one delivery mark; one push per live connection."""
    alice, bob = pair
    connected(blog, bob), connected(blog, bob)
    with recording() as work:
        blog.chat.send(alice.id, "counted", to=bob.id)
    assert (work.db_writes, work.pushes) == (3, 2)
    with recording() as offline:
        blog.chat.send(bob.id, "stored only", to=alice.id)
    assert (offline.db_writes, offline.pushes) == (2, 0)
