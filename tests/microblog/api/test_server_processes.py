"""Real server processes sharing PostgreSQL and Redis: chat, presence and tokens across them.

The issue's acceptance: with `fanout serve --workers 2`, messages sent through fresh
connections (landing on either process) reach a WebSocket held on one of them exactly
once; and with two separate processes, a token from one works on the other, both show the
same presence, and SIGKILL of the process holding no socket loses no acknowledged message.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from websocket import WebSocket, WebSocketTimeoutException

from loadtests.control.backlog import read_backlog
from loadtests.records.chat_wire import decode, encode, open_socket
from tests.backends import REDIS_URL, redis_cache, store_url
from tests.microblog.api.servers import OPERATOR, Server, fanout_serve

pytestmark = pytest.mark.slow
MESSAGES = 200
KILL_AFTER = 40
"""Messages acknowledged through the process that is then killed."""
RECEIVE_TIMEOUT_S = 30.0
READ_POLL_S = 0.5
"""How often a held socket's reader looks whether every expected message came."""


@dataclass(frozen=True)
class User:
    id: int
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A fresh PostgreSQL schema and Redis prefix: (store URL, cache prefix)."""
    with store_url("postgres", tmp_path) as store, redis_cache() as tier:
        yield store, tier.prefix


def fresh(method: str, server: Server, path: str, **kwargs: Any) -> httpx.Response:
    """One request on a connection of its own (so under --workers it may meet any process)."""
    with httpx.Client(base_url=server.base_url, timeout=10.0) as client:
        return client.request(method, path, **kwargs)


def seed_friends(server: Server, *names: str) -> list[User]:
    operator = {"Authorization": f"Bearer {OPERATOR}"}
    body = {"accounts": [{"name": n} for n in names]}
    made = [User(a["id"], a["token"]) for a in fresh(
        "POST", server, "/admin/seed/accounts", json=body, headers=operator
    ).json()]  # fmt: skip
    edges = [[a.id, b.id] for a in made for b in made if a != b]
    fresh("POST", server, "/admin/seed/follows", json={"edges": edges}, headers=operator)
    return made


def send_over_http(server: Server, sender: User, to: User, key: str) -> bool:
    body = {"to": to.id, "text": key, "client_msg_id": key}
    return fresh("POST", server, "/chat/messages", json=body, headers=sender.headers).is_success


def send_over_socket(server: Server, sender: User, to: User, key: str) -> bool:
    with closing(open_socket(server.base_url, sender.token)) as socket:
        socket.send(encode({"type": "send", "to": to.id, "text": key, "client_msg_id": key}))
        while (frame := decode(socket.recv()))["type"] != "sent" and "ref" not in frame:
            pass
        return frame["type"] == "sent"


class HeldSocket:
    """A connection held open and read all along, as a client keeps reading its socket: it
    answers the server's pings (a socket left unread while hundreds of messages are sent
    misses them, and uvicorn closes it) and counts the messages pushed to it."""

    def __init__(self, socket: WebSocket) -> None:
        assert decode(socket.recv())["type"] == "hello"
        self.socket = socket
        self.received: Counter[str] = Counter()
        self.last_id = 0
        self.expected: set[str] | None = None
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        self.socket.settimeout(READ_POLL_S)
        while self.expected is None or not self.expected <= self.received.keys():
            try:
                frame = decode(self.socket.recv())
            except WebSocketTimeoutException:
                continue
            if frame["type"] == "message":
                self.received[frame["message"]["client_msg_id"]] += 1
                self.last_id = frame["message"]["id"]

    def receive(self, expected: set[str]) -> Counter[str]:
        """Messages pushed until every expected key came, then up to a ping's pong
        (anything pushed twice would be there by then), acknowledged."""
        self.expected = expected
        self.reader.join(RECEIVE_TIMEOUT_S)
        assert not self.reader.is_alive(), f"not pushed: {expected - self.received.keys()}"
        self.socket.settimeout(RECEIVE_TIMEOUT_S)
        self.socket.send(encode({"type": "ack", "up_to": self.last_id, "ref": "ack"}))
        self.received.update(read_backlog(self.socket))
        return self.received


def friends_statuses(server: Server, viewer: User) -> dict[int, str]:
    page = fresh("GET", server, "/chat/friends", headers=viewer.headers).json()
    return {f["account_id"]: f["status"] for f in page["items"]}


def test_two_workers_push_messages_sent_through_fresh_connections_exactly_once(
    shared: tuple[str, str], tmp_path: Path
) -> None:
    store, prefix = shared
    with fanout_serve(store, REDIS_URL, prefix, tmp_path / "serve.log", workers=2) as server:
        alice, bob = seed_friends(server, "alice", "bob")
        with closing(open_socket(server.base_url, bob.token)) as socket:
            held = HeldSocket(socket)
            keys = [f"m{n}" for n in range(MESSAGES)]
            for n, key in enumerate(keys):
                send = send_over_http if n % 2 else send_over_socket
                assert send(server, alice, bob, key)
            received = held.receive(set(keys))
            assert received == Counter(keys), "each message pushed exactly once"
            assert {friends_statuses(server, alice)[bob.id] for _ in range(10)} == {"online"}
        with closing(open_socket(server.base_url, bob.token)) as again:
            assert read_backlog(again) == [], "acknowledged on one process, done on all"


def test_a_killed_process_holding_no_socket_loses_no_acknowledged_message(
    shared: tuple[str, str], tmp_path: Path
) -> None:
    store, prefix = shared
    with ExitStack() as stack:
        holder, doomed = (
            stack.enter_context(fanout_serve(store, REDIS_URL, prefix, tmp_path / f"{n}.log"))
            for n in ("holder", "doomed")
        )
        alice, bob = seed_friends(doomed, "alice", "bob")
        assert fresh("GET", holder, "/chat/presence", headers=alice.headers).is_success
        with closing(open_socket(holder.base_url, bob.token)) as socket:
            held = HeldSocket(socket)
            assert friends_statuses(holder, alice) == friends_statuses(doomed, alice)
            assert friends_statuses(doomed, alice) == {bob.id: "online"}
            acknowledged = send_until_killed(doomed, alice, bob)
            assert len(acknowledged) >= KILL_AFTER
            after = [f"after-{n}" for n in range(10)]
            assert all(send_over_http(holder, alice, bob, key) for key in after)
            received = held.receive({*acknowledged, *after})
        assert max(received.values()) == 1, "nothing pushed twice"


def send_until_killed(server: Server, sender: User, to: User) -> list[str]:
    """Send through `server` on one thread while this one kills it once KILL_AFTER
    messages were acknowledged; the keys acknowledged (201) before it died."""
    acknowledged: list[str] = []
    enough = threading.Event()

    def send() -> None:
        for n in range(10 * KILL_AFTER):
            try:
                if not send_over_http(server, sender, to, f"k{n}"):
                    return
            except httpx.TransportError:
                return
            acknowledged.append(f"k{n}")
            if len(acknowledged) == KILL_AFTER:
                enough.set()

    sender_thread = threading.Thread(target=send)
    sender_thread.start()
    assert enough.wait(RECEIVE_TIMEOUT_S), "the server acknowledged too few messages"
    server.kill()
    sender_thread.join(RECEIVE_TIMEOUT_S)
    return acknowledged
