"""The chat part of a load-test session, as sim/activities/chat.py does it, over a WebSocket.

A session chats with probability `per_session.chat`. It draws a presence state from
`behaviour.chat.presence` and, when that differs from the account's own last choice, sets
it first over HTTP (`chat_presence`). It then opens the chat socket (`chat_connect`),
lists the first page of its friends with the presence each shows (`chat_friends`) and
sends Poisson(`behaviour.chat.messages_per_session`) messages to one of them (one shown
online when there is one, else any), each over HTTP with probability
`loadtest.chat_http_share` and otherwise over the socket (`chat_send`); last it closes the
socket (`chat_disconnect`). Messages to a friend who is not connected wait for its next
connection, which pushes them first.

Measured besides: `chat_deliver` (a receiver's clock when the push arrives minus the
message's server `sent_at`; one machine, one clock). Every confirmed send and every
receipt goes into the process's DeliveryLog (loadtests.records.deliveries).

Leaving without losing pushes: every message received is acknowledged
(loadtests.generator.users.chat_socket), so one pushed while a socket closes is not lost:
it stays unacknowledged and the account's next connection, or the backlog collected after
the run, gets it. A leaving user still first turns `invisible` (friends now see it
offline) and tells the users of its process that it is leaving (they wait until it is gone
before writing to it, also those who chose it as an offline friend), so their messages wait
for its next connection instead of racing its close; it waits LEAVE_SETTLE_S for sends
already under way and closes (`ChatSocket.close`: a `ping` after its last ack);
`chat_disconnect` times those frames and the close, not the wait. The next connection
puts the account's own choice back over the socket before it counts as connected (timed in
`chat_connect`), so presence changes are requested when the simulator would request them.
"""

from __future__ import annotations

import itertools
import time
from typing import TYPE_CHECKING

import gevent

from loadtests.generator.measure import RECORDER
from loadtests.generator.users.api import choose_status, friends_statuses, send_message
from loadtests.generator.users.chat_socket import (
    SOCKET_FAULTS,
    ChatSocket,
    Frame,
    report_call,
    timed_call,
)
from loadtests.records.chat_wire import pushed_message_key
from loadtests.records.deliveries import Receipts, message_key
from loadtests.records.plan import current_plan

if TYPE_CHECKING:
    from loadtests.generator.users.session import SessionUser

CHAT_TEXT = "load test message {n}"
FRIENDS_PAGE = 100
"""Friends read on joining (the first page; seeded accounts have a handful)."""
LEAVE_SETTLE_S = 1.0
"""How long a leaving user stays connected, invisible, for friends' sends already under way."""
OFFLINE = "offline"
INVISIBLE = "invisible"
LEAVING: set[int] = set()
"""Accounts of this process on their way out of the chat: friends here wait until they are
gone before writing to them."""
LEAVE_POLLS = 20
"""How often a sender looks whether a leaving friend is gone, over twice LEAVE_SETTLE_S."""


class Chatter:
    """The chat side of one user's sessions (see module docstring)."""

    def __init__(self, user: SessionUser) -> None:
        self.user = user
        self.headers = user.headers
        self.receipts = Receipts(RECORDER.deliveries)
        self.socket: ChatSocket | None = None
        self.written = itertools.count()
        presence = user.scenario.behaviour.chat.presence
        self.statuses = list(presence)
        self.status_shares = list(presence.values())
        self.kept = user.kept
        """The account's presence choice and whether its last leave hid it (accounts.Kept)."""

    def session(self) -> None:
        """One chat session (see module docstring)."""
        user = self.user
        status = str(user.rng.choice(self.statuses, p=self.status_shares))
        messages = int(user.rng.poisson(user.scenario.behaviour.chat.messages_per_session))
        if status != self.kept.chosen:
            user.think()
            choose_status(user.client, self.headers, status)
            self.kept.chosen, self.kept.hidden = status, False
        user.think()
        self.socket = self._connect()
        if self.socket is None:
            return
        user.think()
        friend = self._friend(friends_statuses(user.client, self.headers, FRIENDS_PAGE))
        if friend is not None:
            self._talk(friend, messages)
        user.think()
        self.leave()

    def leave(self) -> None:
        """Disconnect without losing pushes on the way out, timed as `chat_disconnect`."""
        if self.socket is not None:
            started = time.perf_counter()
            error = self.close()
            self._fire("chat_disconnect", started + LEAVE_SETTLE_S, error)

    def close(self) -> BaseException | None:
        """Disconnect without losing pushes (see module docstring); the fault met, if any.

        Untimed: a user stopped at the end of the test closes so, after its last session.
        """
        if self.socket is None:
            return None
        LEAVING.add(self.user.account_id)
        error = self._quietly({"type": "status", "status": INVISIBLE})
        self.kept.hidden = True
        gevent.sleep(LEAVE_SETTLE_S)
        error = self.socket.close() or error
        self.socket = None
        LEAVING.discard(self.user.account_id)
        return error

    def _talk(self, friend: int, messages: int) -> None:
        """Send the session's messages to one friend, stopping at the first that fails."""
        for _ in range(messages):
            self.user.think()
            if not self._left(friend) or self._send(friend) is None:
                return

    def _left(self, friend: int) -> bool:
        """Wait for a friend of this process on its way out to be gone (its messages then
        wait for its next connection); False if it is still leaving after twice the settle."""
        for _ in range(LEAVE_POLLS):
            if friend not in LEAVING:
                return True
            gevent.sleep(2 * LEAVE_SETTLE_S / LEAVE_POLLS)
        return friend not in LEAVING

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

    def _friend(self, friends: dict[int, str]) -> int | None:
        """A friend shown online, busy or away when there is one, else any on the page."""
        online = sorted(friend for friend, status in friends.items() if status != OFFLINE)
        candidates = online or sorted(friends)
        return int(self.user.rng.choice(candidates)) if candidates else None

    def _connect(self) -> ChatSocket | None:
        """Open the socket and, after a leave, put the account's own presence back."""
        token = self.headers["Authorization"].removeprefix("Bearer ")
        started = time.perf_counter()
        try:
            socket = ChatSocket.connect(
                current_plan().base_url, token, self._on_push, self._on_fault
            )
            if self.kept.hidden:
                socket.call({"type": "status", "status": self.kept.chosen})
        except SOCKET_FAULTS as error:
            self._fire("chat_connect", started, error)
            return None
        self.kept.hidden = False
        self._fire("chat_connect", started, None)
        return socket

    def _quietly(self, frame: Frame) -> BaseException | None:
        """A socket call timed as part of another request; the fault it met, if any."""
        assert self.socket is not None
        try:
            self.socket.call(frame)
        except SOCKET_FAULTS as error:
            return error
        return None

    def _call(self, name: str, frame: Frame) -> Frame | None:
        """A socket call timed as a request named `name`; None when it failed."""
        assert self.socket is not None
        return timed_call(self.socket, self.user.environment, name, frame, self.user.context())

    def _fire(self, name: str, started: float, error: BaseException | None) -> None:
        report_call(self.user.environment, name, started, error, self.user.context())

    def _on_push(self, frame: Frame) -> None:
        if frame["type"] == "presence":
            return  # a session reads its friends' presence when it chats
        key = pushed_message_key(frame)
        if key is not None:
            RECORDER.record_delivery(time.time() - frame["message"]["sent_at"])
            self.receipts.receive(key)

    def _on_fault(self, error: BaseException) -> None:
        """A fault in reading the socket is a fault in the test: Locust counts it."""
        self.user.environment.events.user_error.fire(
            user_instance=self.user, exception=error, tb=error.__traceback__
        )
