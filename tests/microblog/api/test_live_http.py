"""Live broadcast over HTTP and the room WebSocket, as acceptance item 2 of issue 20 walks
it: two viewers and one anchor; a comment reaches both viewers once; a 5-coin gift moves 5
coins out of the viewer's wallet, the anchor's share in, the platform's share to revenue,
and the audit balances."""

from __future__ import annotations

import json
import socket
import struct
import time
from pathlib import Path

import httpx
import websocket
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession

from tests.microblog.api.chatters import Frame, frames_until_pong
from tests.microblog.api.money_http import OPERATOR_HEADERS, fund, users
from tests.microblog.api.servers import fanout_serve

FIVE_COINS = 500


def watch(client: TestClient, room_id: int, headers: dict[str, str]) -> WebSocketTestSession:
    token = headers["Authorization"].removeprefix("Bearer ")
    return client.websocket_connect(f"/live/rooms/{room_id}/ws?token={token}")


def of_type(frames: list[Frame], kind: str) -> list[Frame]:
    return [f for f in frames if f["type"] == kind]


def test_a_comment_reaches_both_viewers_once_and_a_gift_pays_through_the_ledger(
    client: TestClient,
) -> None:
    anchor, ann, bob = users(client, "anchor", "ann", "bob")
    fund(client, ann, 1000)
    room = client.post("/live/rooms", json={"title": "premiere"}, headers=anchor.headers)
    assert room.status_code == 201, room.text
    room_id = room.json()["id"]
    with watch(client, room_id, ann.headers) as a, watch(client, room_id, bob.headers) as b:
        assert a.receive_json()["type"] == "hello"
        assert b.receive_json()["room"]["viewers"] == 2
        a.send_json({"type": "comment", "text": "first!", "ref": "c1"})
        gift = client.post(
            f"/live/rooms/{room_id}/gifts",
            json={"amount_fen": FIVE_COINS},
            headers=ann.keyed("gift-1"),
        )
        assert gift.status_code == 201, gift.text
        retry = client.post(
            f"/live/rooms/{room_id}/gifts",
            json={"amount_fen": FIVE_COINS},
            headers=ann.keyed("gift-1"),
        )
        assert retry.json() == gift.json()
        seen_by_ann, seen_by_bob = frames_until_pong(a), frames_until_pong(b)
    commented = of_type(seen_by_ann, "commented")
    assert [c["comment"]["text"] for c in commented] == ["first!"]
    for seen in (seen_by_ann, seen_by_bob):
        assert [c["comment"] for c in of_type(seen, "comment")] == [commented[0]["comment"]]
        assert [g["gift"] for g in of_type(seen, "gift")] == [gift.json()]
    paid = gift.json()
    assert paid["anchor_fen"] + paid["platform_fen"] == FIVE_COINS and paid["platform_fen"] > 0
    for caller, balance in ((ann, 1000 - FIVE_COINS), (anchor, paid["anchor_fen"])):
        wallet = client.get(f"/wallets/{caller.id}", headers=caller.headers).json()
        assert wallet["balance_fen"] == balance
    audit = client.get("/admin/ledger/audit", headers=OPERATOR_HEADERS).json()
    assert audit["balanced"] and audit["platform_revenue_fen"] == paid["platform_fen"]
    earnings = client.get("/live/earnings", headers=anchor.headers).json()["items"]
    assert earnings == [paid]


def test_viewers_are_told_when_the_room_ends_and_cannot_join_it_after(
    client: TestClient,
) -> None:
    anchor, ann = users(client, "anchor", "ann")
    room_id = client.post("/live/rooms", json={"title": "short"}, headers=anchor.headers).json()[
        "id"
    ]
    assert [r["id"] for r in client.get("/live/rooms", headers=ann.headers).json()["items"]] == [
        room_id
    ]
    with watch(client, room_id, ann.headers) as a:
        a.receive_json()
        assert client.post(f"/live/rooms/{room_id}/end", headers=ann.headers).status_code == 403
        assert client.post(f"/live/rooms/{room_id}/end", headers=anchor.headers).status_code == 200
        frames = [a.receive_json() for _ in range(1)]
        assert frames[-1]["type"] == "ended"
    with watch(client, room_id, ann.headers) as late:
        refused = late.receive_json()
        assert (refused["type"], refused["error"]) == ("error", "conflict")
    assert client.get("/live/rooms", headers=ann.headers).json()["items"] == []


def test_a_viewer_whose_connection_drops_leaves_the_room_without_a_server_error(
    tmp_path: Path,
) -> None:
    """A phone that loses its network sends no close frame: the server's own close then
    meets a connection already gone, which is how viewers leave, not a fault."""
    log = tmp_path / "server.log"
    store = f"sqlite:///{tmp_path / 'blog.sqlite'}"
    with (
        fanout_serve(store, "memory", "drop", log) as server,
        httpx.Client(base_url=server.base_url) as http,
    ):
        anchor, ann = users(http, "anchor", "ann")
        room_id = http.post("/live/rooms", json={"title": "t"}, headers=anchor.headers).json()["id"]
        token = ann.headers["Authorization"].removeprefix("Bearer ")
        url = server.base_url.replace("http", "ws") + f"/live/rooms/{room_id}/ws?token={token}"
        viewer = websocket.create_connection(url, timeout=10)
        assert json.loads(viewer.recv())["type"] == "hello"
        viewer.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        viewer.sock.close()  # a reset, no close frame
        for _ in range(100):
            room = http.get(f"/live/rooms/{room_id}", headers=anchor.headers).json()
            if room["viewers"] == 0:
                break
            time.sleep(0.05)
    assert room["viewers"] == 0
    assert "Exception in ASGI application" not in log.read_text()
