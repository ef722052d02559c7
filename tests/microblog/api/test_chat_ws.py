"""The chat WebSocket: real-time delivery, backlog on connect, replies, errors and presence."""

from __future__ import annotations

import threading
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from microblog.work import Work
from tests.microblog.api.chatters import (
    Frame,
    acknowledge,
    frames_until_pong,
    make_chatters,
    messages,
    next_reply,
    open_socket,
)


def test_two_sockets_deliver_in_real_time_and_an_offline_third_gets_the_backlog_once(
    client: TestClient,
) -> None:
    alice, bob, carol = make_chatters(client, "alice", "bob", "carol")
    with open_socket(client, alice) as a, open_socket(client, bob) as b:
        a.send_json({"type": "send", "to": bob.id, "text": "hi bob", "ref": "r1"})
        sent = next_reply(a)
        assert (sent["type"], sent["ref"]) == ("sent", "r1")
        pushed = messages(frames_until_pong(b))
        assert pushed == [sent["message"]]
        for n in range(3):
            a.send_json({"type": "send", "to": carol.id, "text": f"a{n}"})
            b.send_json({"type": "send", "to": carol.id, "text": f"b{n}"})
        backlog = [next_reply(s)["message"]["id"] for _ in range(3) for s in (a, b)]
    with open_socket(client, carol) as c:
        received = messages(frames_until_pong(c))
        assert acknowledge(c, received)["delivered"] == 6
    assert [m["id"] for m in received] == sorted(backlog)
    assert {m["text"] for m in received} == {"a0", "a1", "a2", "b0", "b1", "b2"}
    with open_socket(client, carol) as again:
        assert messages(frames_until_pong(again)) == []


def test_messages_not_acknowledged_before_the_socket_closed_are_pushed_again(
    client: TestClient,
) -> None:
    alice, bob = make_chatters(client, "alice", "bob")
    with open_socket(client, bob) as b:
        sent = [
            client.post(
                "/chat/messages", json={"to": bob.id, "text": f"m{n}"}, headers=alice.headers
            ).json()
            for n in range(3)
        ]
        first = messages(frames_until_pong(b))
        assert acknowledge(b, first[:1])["delivered"] == 1
    with open_socket(client, bob) as again:
        assert messages(frames_until_pong(again)) == sent[1:] == first[1:]
        acknowledge(again, sent[1:])
    with open_socket(client, bob) as last:
        assert messages(frames_until_pong(last)) == []


def test_an_ack_names_a_message_pushed_to_this_socket(client: TestClient) -> None:
    alice, bob = make_chatters(client, "alice", "bob")
    with open_socket(client, bob) as b:
        sent = client.post(
            "/chat/messages", json={"to": bob.id, "text": "hi"}, headers=alice.headers
        ).json()
        b.send_json({"type": "ack", "up_to": sent["id"] + 1, "ref": "early"})
        refused = next_reply(b)
        assert (refused["type"], refused["ref"], refused["field"]) == ("error", "early", "up_to")
        assert acknowledge(b, [sent]) | {"work": ""} == {
            "type": "acked",
            "ref": "ack",
            "up_to": sent["id"],
            "delivered": 1,
            "work": "",
        }
        assert acknowledge(b, [sent])["delivered"] == 0


def test_a_message_sent_over_http_is_pushed_to_the_recipients_socket(client: TestClient) -> None:
    alice, bob = make_chatters(client, "alice", "bob")
    with open_socket(client, bob) as b:
        response = client.post(
            "/chat/messages", json={"to": bob.id, "text": "over http"}, headers=alice.headers
        )
        assert messages(frames_until_pong(b)) == [response.json()]


def test_the_token_may_come_in_the_authorization_header(client: TestClient) -> None:
    (alice,) = make_chatters(client, "alice")
    with client.websocket_connect("/ws", headers=alice.headers) as socket:
        assert socket.receive_json() == {
            "type": "hello",
            "account_id": alice.id,
            "status": "online",
        }


@pytest.mark.parametrize("path", ["/ws", "/ws?token=forged"])
def test_a_socket_without_a_valid_token_is_refused(client: TestClient, path: str) -> None:
    with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect(path):
        pass
    assert refused.value.code == 1008


def test_a_resend_with_the_same_client_msg_id_is_stored_and_pushed_once(client: TestClient) -> None:
    alice, bob = make_chatters(client, "alice", "bob")
    frame = {"type": "send", "to": bob.id, "text": "once", "client_msg_id": "m-1"}
    with open_socket(client, alice) as a, open_socket(client, bob) as b:
        a.send_json(frame)
        first = next_reply(a)["message"]
        acknowledge(b, messages(frames_until_pong(b)))
    with open_socket(client, alice) as a, open_socket(client, bob) as b:
        a.send_json(frame)
        assert next_reply(a)["message"] == first
        assert messages(frames_until_pong(b)) == []
    history = client.get(
        f"/chat/conversations/{first['conversation']}/messages", headers=bob.headers
    )
    assert [m["id"] for m in history.json()["items"]] == [first["id"]]


def test_refused_and_malformed_frames_get_error_replies_and_the_socket_stays_open(
    client: TestClient,
) -> None:
    alice, stranger = make_chatters(client, "alice", "stranger", friends=False)
    with open_socket(client, alice) as a:
        a.send_json({"type": "send", "to": stranger.id, "text": "hello?", "ref": "x"})
        refused = a.receive_json()
        assert (refused["type"], refused["ref"], refused["error"]) == ("error", "x", "forbidden")
        assert "not your friend" in refused["message"] and refused["field"] is None
        a.send_json({"type": "send", "to": stranger.id, "ref": "y"})
        missing = a.receive_json()
        assert (missing["error"], missing["field"], missing["ref"]) == ("invalid", "text", "y")
        a.send_json({"type": "dance"})
        assert a.receive_json()["error"] == "invalid"
        a.send_text("not json")
        assert a.receive_json()["error"] == "invalid"
        assert frames_until_pong(a) == []


def test_replies_report_the_work_of_the_call(client: TestClient) -> None:
    alice, bob = make_chatters(client, "alice", "bob")
    with open_socket(client, alice) as a, open_socket(client, bob):
        a.send_json({"type": "send", "to": bob.id, "text": "counted"})
        work = Work.from_header(next_reply(a)["work"])
    assert work.db_writes >= 2 and work.pushes == 1


def test_status_changes_are_pushed_to_connected_friends(client: TestClient) -> None:
    alice, bob = make_chatters(client, "alice", "bob")
    with open_socket(client, alice) as a:
        with open_socket(client, bob) as b:
            b.send_json({"type": "status", "status": "busy", "ref": "s"})
            assert next_reply(b) | {"work": ""} == {
                "type": "status",
                "ref": "s",
                "status": "busy",
                "work": "",
            }
            b.send_json({"type": "status", "status": "invisible"})
            next_reply(b)
        seen = [(f["name"], f["status"]) for f in frames_until_pong(a)]
    assert seen == [("bob", "online"), ("bob", "busy"), ("bob", "offline")]


def test_marking_read_over_the_socket_clears_unread_counts(client: TestClient) -> None:
    alice, bob = make_chatters(client, "alice", "bob")
    sent = client.post(
        "/chat/messages", json={"to": bob.id, "text": "read me"}, headers=alice.headers
    ).json()
    with open_socket(client, bob) as b:
        b.send_json({"type": "read", "conversation": sent["conversation"]})
        frames = frames_until_pong(b)
    assert [f["type"] for f in frames] == ["message", "read"] and frames[1]["marked"] == 1
    assert client.get("/chat/unread", headers=bob.headers).json() == {
        "total": 0,
        "conversations": {},
    }


SOCKETS = 4
SENDS_EACH = 60
"""Per socket, alternating the group and the next friend: 240 messages, 600 deliveries."""


@pytest.mark.slow
def test_concurrent_sockets_lose_duplicate_and_reorder_nothing(client: TestClient) -> None:
    users = make_chatters(client, *(f"user{i}" for i in range(SOCKETS)))
    group = client.post("/groups", json={"name": "all"}, headers=users[0].headers).json()
    for user in users[1:]:
        client.put(f"/groups/{group['id']}/members/me", headers=user.headers)
    with ExitStack() as stack:
        sockets = [stack.enter_context(open_socket(client, u)) for u in users]
        for socket in sockets:
            frames_until_pong(socket)  # presence frames of the others connecting
        pushed: list[list[Frame]] = [[] for _ in users]
        replies: list[list[Frame]] = [[] for _ in users]

        def run(index: int) -> None:
            friend = users[(index + 1) % SOCKETS]
            for n in range(SENDS_EACH):
                target = {"to": friend.id} if n % 2 else {"group_id": group["id"]}
                sockets[index].send_json({"type": "send", "text": f"{index}:{n}", **target})
            while len(replies[index]) < SENDS_EACH:
                frame = sockets[index].receive_json()
                (pushed if frame["type"] == "message" else replies)[index].append(frame)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(SOCKETS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        for index, socket in enumerate(sockets):
            pushed[index] += frames_until_pong(socket)

    sent = [m["message"] for r in replies for m in r]
    for index, user in enumerate(users):
        own = [m["message"]["id"] for m in replies[index]]
        assert own == sorted(own), "a socket's messages are stored in the order it sent them"
        expected = sorted(
            m["id"]
            for m in sent
            if m["recipient_id"] == user.id or (m["group_id"] and m["sender_id"] != user.id)
        )
        assert [f["message"]["id"] for f in pushed[index]] == expected
