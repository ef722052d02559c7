"""Chat over plain HTTP: send, history, unread, read marks, presence, friends and refusals."""

from __future__ import annotations

from fastapi.testclient import TestClient

from microblog.work import WORK_HEADER, Work
from tests.microblog.api.chatters import Chatter, make_chatters, open_socket


def send(client: TestClient, sender: Chatter, **body: object) -> dict[str, object]:
    response = client.post("/chat/messages", json=body, headers=sender.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_send_read_history_and_unread_counts(client: TestClient) -> None:
    alice, bob = make_chatters(client, "alice", "bob")
    sent = [send(client, alice, to=bob.id, text=f"m{n}") for n in range(3)]
    key = f"dm-{alice.id}-{bob.id}"
    assert sent[0]["conversation"] == key and sent[0]["recipient_id"] == bob.id
    page = client.get(f"/chat/conversations/{key}/messages?limit=2", headers=bob.headers).json()
    rest = client.get(
        f"/chat/conversations/{key}/messages?limit=2&cursor={page['next_cursor']}",
        headers=bob.headers,
    ).json()
    assert [m["text"] for m in page["items"] + rest["items"]] == ["m2", "m1", "m0"]
    assert client.get("/chat/unread", headers=bob.headers).json() == {
        "total": 3,
        "conversations": {key: 3},
    }
    read = client.post(
        f"/chat/conversations/{key}/read", json={"up_to": sent[1]["id"]}, headers=bob.headers
    )
    assert read.json() == {"conversation": key, "marked": 2}
    assert client.post(f"/chat/conversations/{key}/read", headers=bob.headers).json()["marked"] == 1
    assert client.get("/chat/unread", headers=bob.headers).json()["total"] == 0


def test_group_chat_over_http_is_for_members_only(client: TestClient) -> None:
    owner, member, outsider = make_chatters(client, "owner", "member", "outsider")
    group = client.post("/groups", json={"name": "club"}, headers=owner.headers).json()
    client.put(f"/groups/{group['id']}/members/me", headers=member.headers)
    sent = send(client, member, group_id=group["id"], text="hello club")
    assert client.get("/chat/unread", headers=owner.headers).json()["conversations"] == {
        f"group-{group['id']}": 1
    }
    refused = client.post(
        "/chat/messages", json={"group_id": group["id"], "text": "hi"}, headers=outsider.headers
    )
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    history = client.get(
        f"/chat/conversations/{sent['conversation']}/messages", headers=outsider.headers
    )
    assert history.status_code == 403


def test_non_friends_and_other_pairs_are_refused_with_403(client: TestClient) -> None:
    alice, bob = make_chatters(client, "alice", "bob")
    (mallory,) = make_chatters(client, "mallory", friends=False)
    to_stranger = client.post(
        "/chat/messages", json={"to": mallory.id, "text": "hi"}, headers=alice.headers
    )
    assert to_stranger.status_code == 403
    assert "not your friend" in to_stranger.json()["message"]
    key = send(client, alice, to=bob.id, text="private")["conversation"]
    for path in (f"/chat/conversations/{key}/messages", f"/chat/conversations/{key}/read"):
        method = client.get if path.endswith("messages") else client.post
        assert method(path, headers=mallory.headers).status_code == 403


def test_malformed_chat_requests_get_422_naming_the_field(client: TestClient) -> None:
    alice, bob = make_chatters(client, "alice", "bob")
    cases = [
        ({"to": bob.id}, "text"),
        ({"to": bob.id, "text": " "}, "text"),
        ({"text": "to nobody"}, "to"),
        ({"to": bob.id, "text": "x", "client_msg_id": "x" * 65}, "client_msg_id"),
    ]
    for body, field in cases:
        response = client.post("/chat/messages", json=body, headers=alice.headers)
        assert (response.status_code, response.json()["field"]) == (422, field), body
    bad_key = client.get("/chat/conversations/dm-9-1/messages", headers=alice.headers)
    assert (bad_key.status_code, bad_key.json()["field"]) == (422, "conversation")
    offline = client.put("/chat/presence", json={"status": "offline"}, headers=alice.headers)
    assert (offline.status_code, offline.json()["field"]) == (422, "status")


def test_a_retried_send_returns_the_stored_message(client: TestClient) -> None:
    alice, bob = make_chatters(client, "alice", "bob")
    body = {"to": bob.id, "text": "once", "client_msg_id": "retry-1"}
    first, again = send(client, alice, **body), send(client, alice, **body)
    assert again == first
    assert client.get("/chat/unread", headers=bob.headers).json()["total"] == 1
    reused = client.post("/chat/messages", json={**body, "text": "another"}, headers=alice.headers)
    assert reused.status_code == 409 and reused.json()["field"] == "client_msg_id"


def test_sends_report_their_work(client: TestClient) -> None:
    alice, bob = make_chatters(client, "alice", "bob")
    with open_socket(client, bob):
        response = client.post(
            "/chat/messages", json={"to": bob.id, "text": "hi"}, headers=alice.headers
        )
    work = Work.from_header(response.headers[WORK_HEADER])
    assert (work.db_writes, work.pushes) == (2, 1), "the message and its inbox entry; the "
    "socket's client marks it delivered when it acknowledges it"


def test_presence_and_friend_search(client: TestClient) -> None:
    me, anna, andrew, bob = make_chatters(client, "myself", "anna", "andrew", "bob")
    (annie,) = make_chatters(client, "annie", friends=False)
    assert client.get("/chat/presence", headers=anna.headers).json() == {
        "account_id": anna.id,
        "status": "online",
        "visible": "offline",
    }
    with open_socket(client, anna), open_socket(client, andrew):
        client.put("/chat/presence", json={"status": "invisible"}, headers=andrew.headers)
        found = client.get("/chat/friends?prefix=AN", headers=me.headers).json()
        assert found["items"] == [
            {"account_id": andrew.id, "name": "andrew", "status": "offline"},
            {"account_id": anna.id, "name": "anna", "status": "online"},
        ]
        assert client.get("/chat/presence", headers=andrew.headers).json()["status"] == "invisible"
    page = client.get("/chat/friends?limit=2", headers=me.headers).json()
    rest = client.get(f"/chat/friends?limit=2&cursor={page['next_cursor']}", headers=me.headers)
    names = [f["name"] for f in page["items"] + rest.json()["items"]]
    assert names == ["andrew", "anna", "bob"] and annie.name not in names
