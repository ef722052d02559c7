"""Helpers for chat API tests: users with ids and tokens, friendships, and reading frames."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession

from tests.microblog.api.conftest import OPERATOR, Headers

Frame = dict[str, Any]
PUSHES = ("hello", "message", "presence")


@dataclass(frozen=True)
class Chatter:
    id: int
    name: str
    token: str

    @property
    def headers(self) -> Headers:
        return {"Authorization": f"Bearer {self.token}"}


def make_chatters(client: TestClient, *names: str, friends: bool = True) -> list[Chatter]:
    """Seed users with tokens; `friends=True` makes every pair of them mutual followers."""
    operator = {"Authorization": f"Bearer {OPERATOR}"}
    seeded = client.post(
        "/admin/seed/accounts", json={"accounts": [{"name": n} for n in names]}, headers=operator
    )
    made = [Chatter(s["id"], s["name"], s["token"]) for s in seeded.json()]
    if friends:
        edges = [[a.id, b.id] for a in made for b in made if a != b]
        client.post("/admin/seed/follows", json={"edges": edges}, headers=operator)
    return made


@contextmanager
def open_socket(client: TestClient, chatter: Chatter) -> Iterator[WebSocketTestSession]:
    """A connected socket whose `hello` has been read."""
    with client.websocket_connect(f"/ws?token={chatter.token}") as socket:
        hello = socket.receive_json()
        assert hello["type"] == "hello" and hello["account_id"] == chatter.id
        yield socket


def frames_until_pong(socket: WebSocketTestSession, ref: str = "barrier") -> list[Frame]:
    """Everything pushed to the socket before a ping sent now is answered."""
    socket.send_json({"type": "ping", "ref": ref})
    frames = []
    while (frame := socket.receive_json())["type"] != "pong":
        frames.append(frame)
    assert frame["ref"] == ref
    return frames


def next_reply(socket: WebSocketTestSession) -> Frame:
    """The next reply to a client frame, skipping pushes that arrive in between."""
    while (frame := socket.receive_json())["type"] in PUSHES:
        pass
    return frame


def messages(frames: list[Frame]) -> list[Frame]:
    return [f["message"] for f in frames if f["type"] == "message"]


def acknowledge(socket: WebSocketTestSession, received: list[Frame]) -> Frame:
    """Acknowledge messages received on the socket (the last id covers the earlier ones)."""
    socket.send_json({"type": "ack", "up_to": max(m["id"] for m in received), "ref": "ack"})
    return next_reply(socket)
