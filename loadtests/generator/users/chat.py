"""Chat traffic: each mixed user keeps a WebSocket open and messages the friends it sees online.

A `Chatter` is the chat side of one mixed user (loadtests/generator/users/timeline.py), which runs a
chat session with the weight `loadtest.tasks.chat`. On starting it connects to `/ws`,
reads which friends are online (`GET /chat/friends`) and then follows their presence
pushes. A session chooses a presence drawn from `behaviour.chat.presence`, picks a friend
it sees online, sends a geometric number of direct messages (mean
`behaviour.chat.messages_per_session`), each over HTTP with probability
`loadtest.chat_http_share` and otherwise over the socket, then reads the conversation.

Measured: `chat_send` (HTTP request or socket frame to its reply), `chat_deliver` (a
receiver's clock when the push arrives minus the message's server `sent_at`; one machine,
one clock) and `chat_connect`, `chat_presence`, `chat_friends`, `chat_history`. Every
confirmed send and every receipt goes into the process's DeliveryLog (loadtests.records.deliveries).

Leaving without losing pushes: the server hands each message once to the connections live
when it is sent, so a message pushed while a socket closes is gone from the push channel.
A leaving user therefore first turns `invisible` (friends now see it offline and stop
sending), waits LEAVE_SETTLE_S for sends already under way, and sends a `ping`, whose
`pong` comes after every earlier push, before it closes.
"""

from __future__ import annotations

import itertools
import time
from contextlib import suppress
from typing import TYPE_CHECKING

import gevent
from websocket import WebSocketException

from loadtests.generator.measure import RECORDER
from loadtests.generator.users.api import (
    choose_status,
    friends_statuses,
    read_conversation,
    send_message,
)
from loadtests.generator.users.chat_socket import ChatSocket, Frame, ReplyError, SocketClosed
from loadtests.records.chat_wire import pushed_message_key
from loadtests.records.deliveries import Receipts, message_key
from loadtests.records.plan import current_plan

if TYPE_CHECKING:
    from loadtests.generator.users.base import FanoutUser

CHAT_TEXT = "load test message {n}"
FRIENDS_PAGE = 100
"""Friends read on joining (the first page; seeded accounts have a handful)."""
LEAVE_SETTLE_S = 1.0
"""How long a leaving user stays connected, invisible, for friends' sends already under way."""
OFFLINE = "offline"
INVISIBLE = "invisible"
SOCKET_FAULTS = (
    ReplyError, SocketClosed, WebSocketException, ConnectionError, OSError, ValueError,
    gevent.Timeout,
)  # fmt: skip
"""What a socket call can fail with: counted as a failed request, not a fault of the test."""


class Chatter:
    """The chat side of one user acting as `account` (see module docstring)."""

    def __init__(self, user: FanoutUser, account: int) -> None:
        self.user = user
        self.headers = user.headers_of(account)
        self.friends: dict[int, str] = {}
        self.receipts = Receipts(RECORDER.deliveries)
        self.socket: ChatSocket | None = None
        self.written = itertools.count()
        presence = user.scenario.behaviour.chat.presence
        self.statuses = list(presence)
        self.status_shares = list(presence.values())

    def join(self) -> None:
        """Connect, learn which friends are online, and show a presence."""
        self.socket = self._connect()
        if self.socket is None:
            return
        seen = friends_statuses(self.user.client, self.headers, FRIENDS_PAGE)
        for friend, status in seen.items():
            self.friends.setdefault(friend, status)  # a presence push already seen is newer
        choose_status(self.user.client, self.headers, self._drawn_status())

    def session(self) -> None:
        """One chat session (see module docstring); a user who failed to connect tries again."""
        if self.socket is None:
            self.join()
            return
        choose_status(self.user.client, self.headers, self._drawn_status())
        friend = self._online_friend()
        if friend is None:
            return
        mean = self.user.scenario.behaviour.chat.messages_per_session
        conversations = [self._send(friend) for _ in range(int(self.user.rng.geometric(1 / mean)))]
        for conversation in set(filter(None, conversations)):
            page_size = self.user.scenario.behaviour.page_size
            read_conversation(self.user.client, self.headers, conversation, page_size)

    def leave(self) -> None:
        """Disconnect without losing pushes on the way out (see module docstring)."""
        if self.socket is None:
            return
        self._call("chat_presence", {"type": "status", "status": INVISIBLE})
        gevent.sleep(LEAVE_SETTLE_S)
        with suppress(*SOCKET_FAULTS):
            self.socket.call({"type": "ping"})
        self.socket.close()
        self.socket = None

    def _send(self, friend: int) -> str | None:
        """Send one message over HTTP or the socket; its conversation once confirmed."""
        client_msg_id = f"{self.user.tag}-{next(self.written)}"
        text = CHAT_TEXT.format(n=client_msg_id)
        if self.user.rng.random() < self.user.scenario.loadtest.chat_http_share:
            message = send_message(self.user.client, self.headers, friend, text, client_msg_id)
        else:
            frame = {"type": "send", "to": friend, "text": text, "client_msg_id": client_msg_id}
            reply = self._call("chat_send", frame)
            message = None if reply is None else reply["message"]
        if message is None:
            return None
        conversation: str = message["conversation"]
        RECORDER.deliveries.record_sent(message_key(conversation, client_msg_id), friend)
        return conversation

    def _online_friend(self) -> int | None:
        online = sorted(friend for friend, status in self.friends.items() if status != OFFLINE)
        return int(self.user.rng.choice(online)) if online else None

    def _drawn_status(self) -> str:
        return str(self.user.rng.choice(self.statuses, p=self.status_shares))

    def _connect(self) -> ChatSocket | None:
        token = self.headers["Authorization"].removeprefix("Bearer ")
        base_url = current_plan().base_url
        started = time.perf_counter()
        try:
            socket = ChatSocket.connect(base_url, token, self._on_push, self._on_fault)
        except SOCKET_FAULTS as error:
            self._fire("chat_connect", started, error)
            return None
        self._fire("chat_connect", started, None)
        return socket

    def _call(self, name: str, frame: Frame) -> Frame | None:
        """A socket call timed as a request named `name`; None when it failed."""
        assert self.socket is not None
        started = time.perf_counter()
        try:
            reply = self.socket.call(frame)
        except SOCKET_FAULTS as error:
            self._fire(name, started, error)
            return None
        self._fire(name, started, None)
        return reply

    def _fire(self, name: str, started: float, error: BaseException | None) -> None:
        self.user.environment.events.request.fire(
            request_type="WS",
            name=name,
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=error,
            context=self.user.context(),
        )

    def _on_push(self, frame: Frame) -> None:
        if frame["type"] == "presence":
            self.friends[frame["account_id"]] = frame["status"]
            return
        key = pushed_message_key(frame)
        if key is not None:
            RECORDER.record_delivery(time.time() - frame["message"]["sent_at"])
            self.receipts.receive(key)

    def _on_fault(self, error: BaseException) -> None:
        """A fault in reading the socket is a fault in the test: Locust counts it."""
        self.user.environment.events.user_error.fire(
            user_instance=self.user, exception=error, tb=error.__traceback__
        )
