"""A bounded mixed load on a real server, recording only what the server acknowledged.

Threads post, read home timelines, send chat messages over HTTP and send one-fen gifts,
each request on a fresh connection (so under `--workers N` any process may answer it, and
a killed process takes whatever it had in flight). What a 2xx answer acknowledged is
recorded; that is what the server promised to keep. A chat message or gift that fails
with a connection error is retried with the same `client_msg_id` / `Idempotency-Key`, as
a real client does, so a request the dead process committed but never answered is
replayed, not repeated. Posts carry no key, so a failed post is not retried (a real
client's retry would be a second post) and is simply not acknowledged.

One more thread holds a WebSocket as one account and acknowledges every message pushed to
it, reconnecting when its process dies.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

import httpx
from websocket import WebSocket, WebSocketException, WebSocketTimeoutException

from loadtests.records.chat_wire import decode, encode, open_socket, pushed_message_key

RETRIES = 20
"""Attempts of an idempotent request before the load gives up (each on a new connection;
the surviving process answers the next one at once, so a few always suffice)."""
REQUEST_TIMEOUT_S = 10.0
"""Longest wait for one answer (2 shared cores, a store and Redis under load)."""
SOCKET_POLL_S = 0.5
"""How often the socket holder, waiting for a push, checks whether the load has stopped."""


@dataclass(frozen=True)
class Member:
    id: int
    token: str
    friends: tuple[int, ...]
    """Mutual follows: whom this member may message, and whose followers see its posts."""

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass(frozen=True)
class SentGift:
    sender_id: int
    recipient_id: int
    transfer_id: int


@dataclass(frozen=True)
class SentChat:
    message_id: int
    conversation: str
    recipient_id: int


@dataclass
class Acknowledged:
    """What the server acknowledged (2xx) during the load, and every status it answered."""

    posts: dict[int, int] = field(default_factory=dict)
    """Post id -> author id."""
    chats: dict[str, SentChat] = field(default_factory=dict)
    """client_msg_id -> the message it sent."""
    gifts: dict[str, SentGift] = field(default_factory=dict)
    """Idempotency-Key -> the gift it paid."""
    statuses: Counter[int] = field(default_factory=Counter)
    connection_errors: int = 0
    pushed: Counter[str] = field(default_factory=Counter)
    """Message keys (`loadtests.records.deliveries.message_key`) pushed to the socket
    holder, each acknowledged on its socket."""
    lock: threading.Condition = field(default_factory=threading.Condition)

    @property
    def done(self) -> int:
        """Requests the server answered 2xx so far."""
        return sum(n for status, n in self.statuses.items() if 200 <= status < 300)

    def answered(self, response: httpx.Response) -> None:
        with self.lock:
            self.statuses[response.status_code] += 1
            self.lock.notify_all()

    def failed(self) -> None:
        with self.lock:
            self.connection_errors += 1

    def wait_for(self, done: int, timeout_s: float) -> bool:
        """Block until `done` requests were acknowledged; False after `timeout_s`."""
        with self.lock:
            return self.lock.wait_for(lambda: self.done >= done, timeout_s)


@dataclass
class MixedLoad:
    """The load's threads against `base_url`; `stop` ends them."""

    base_url: str
    members: list[Member]
    holder: Member
    """The member whose WebSocket the socket thread holds (friends send to it often)."""
    seen: Acknowledged = field(default_factory=Acknowledged)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self, threads: int) -> list[threading.Thread]:
        """Start the socket holder and `threads` request threads; returns them all."""
        started = [threading.Thread(target=self._hold_socket, name="socket-holder")]
        started += [
            threading.Thread(target=self._requests, args=(n,), name=f"load-{n}")
            for n in range(threads)
        ]
        for thread in started:
            thread.start()
        return started

    def _requests(self, thread: int) -> None:
        rng = random.Random(thread)
        operations: list[Callable[[random.Random, str], None]] = [
            self._post,
            self._read_home,
            self._chat,
            self._gift,
        ]
        n = 0
        while not self.stop.is_set():
            operations[n % len(operations)](rng, f"t{thread}-{n}")
            n += 1

    def _send(self, method: str, path: str, *, retry: bool, **kwargs: Any) -> httpx.Response | None:
        """One request on a fresh connection; None when it failed with no answer."""
        for _ in range(RETRIES if retry else 1):
            try:
                with httpx.Client(base_url=self.base_url, timeout=REQUEST_TIMEOUT_S) as client:
                    response = client.request(method, path, **kwargs)
            except httpx.TransportError:
                self.seen.failed()
                continue
            self.seen.answered(response)
            return response
        return None

    def _post(self, rng: random.Random, name: str) -> None:
        author = rng.choice(self.members)
        response = self._send(
            "POST", "/posts", retry=False, json={"text": f"post {name}"}, headers=author.headers
        )
        if response is not None and response.status_code == 201:
            with self.seen.lock:
                self.seen.posts[response.json()["id"]] = author.id

    def _read_home(self, rng: random.Random, name: str) -> None:
        reader = rng.choice(self.members)
        self._send("GET", "/timeline/home", retry=False, headers=reader.headers)

    def _chat(self, rng: random.Random, name: str) -> None:
        sender = rng.choice(self.members)
        to = self.holder.id if self.holder.id in sender.friends else rng.choice(sender.friends)
        body = {"to": to, "text": f"chat {name}", "client_msg_id": name}
        response = self._send(
            "POST", "/chat/messages", retry=True, json=body, headers=sender.headers
        )
        if response is not None and response.status_code == 201:
            message = response.json()
            with self.seen.lock:
                self.seen.chats[name] = SentChat(message["id"], message["conversation"], to)

    def _gift(self, rng: random.Random, name: str) -> None:
        sender = rng.choice(self.members)
        recipient = rng.choice([m for m in self.members if m != sender])
        response = self._send(
            "POST",
            f"/wallets/{sender.id}/gifts",
            retry=True,
            json={"recipient_id": recipient.id, "amount_fen": 1},
            headers={**sender.headers, "Idempotency-Key": name},
        )
        if response is not None and response.status_code == 201:
            gift = SentGift(sender.id, recipient.id, response.json()["id"])
            with self.seen.lock:
                self.seen.gifts[name] = gift

    def _hold_socket(self) -> None:
        """Hold the holder's socket, acknowledging each push; reconnect when it drops."""
        while not self.stop.is_set():
            try:
                with closing(open_socket(self.base_url, self.holder.token)) as socket:
                    socket.settimeout(SOCKET_POLL_S)
                    self._acknowledge_pushes(socket)
            except (WebSocketException, OSError):
                self.seen.failed()

    def _acknowledge_pushes(self, socket: WebSocket) -> None:
        while not self.stop.is_set():
            try:
                frame = decode(socket.recv())
            except WebSocketTimeoutException:
                continue
            if (key := pushed_message_key(frame)) is not None:
                with self.seen.lock:
                    self.seen.pushed[key] += 1
                socket.send(encode({"type": "ack", "up_to": frame["message"]["id"], "ref": "ack"}))
