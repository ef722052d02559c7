"""Replayed chat: each actor's own WebSocket, kept from its chat_connect to its chat_disconnect.

A traced `chat_connect` opens `/ws` as the actor's account and keeps it in the World, so
that pushes reach the account whichever of the pool's users sends its later actions. An
account has one socket at a time (a second would receive every push again, which the
check would take for a duplicate), so a connect while it is open or still opening, in an
actor's overlapping sessions, is skipped (the slot is taken before the handshake, which
yields to other users: two connects of one account during one handshake opened two
sockets, and the full day counted 11 messages twice), and so is the disconnect left
without a socket; a disconnect during the handshake closes what it opens. A
connect while the account's last socket is still closing waits for that close: its acks
reach the server before the close's `pong`, so the new connection is not pushed again
what the old one received (without the wait it was, and the check counted duplicates).
`chat_send` goes over that socket when it is open (else POST /chat/messages) and every
confirmed message and every push received goes into the process's DeliveryLog, which the
delivery check after the run judges (nothing lost, nothing twice). Direct messages need a
mutual follow on the server, whose friends are the seeded ones, not the simulator's: a
message goes to the traced recipient's account when it is a friend there, else to one of
the friends the account's last `chat_friends` read listed (picked by the traced
recipient). `chat_deliver` times the pushes of messages sent while the socket was open; a
message that waited for its offline recipient, pushed when it connects, is received (for
the check) but not timed: its wait is the trace's, not the server's. A socket closes as
the scenario's chat users close theirs (`ChatSocket.close`): every message it counted was
acknowledged first, and one cut off in flight is pushed again on the next connection.
"""

from __future__ import annotations

import time
from typing import Any

from gevent.event import Event
from locust.env import Environment

from loadtests.generator.measure import RECORDER
from loadtests.generator.users import api
from loadtests.generator.users.chat import FRIENDS_PAGE
from loadtests.generator.users.chat_socket import (
    SOCKET_FAULTS,
    ChatSocket,
    Frame,
    report_call,
    timed_call,
)
from loadtests.generator.users.replay_turn import Handler, Turn, World
from loadtests.records.chat_wire import pushed_message_key
from loadtests.records.deliveries import Receipts, message_key
from loadtests.records.plan import current_plan


class ActorSocket:
    """One replayed account's live socket; its pushes go to the account's receipts."""

    def __init__(self, environment: Environment, receipts: Receipts) -> None:
        self.environment = environment
        self.receipts = receipts
        self.socket: ChatSocket | None = None
        self.opened_at = time.time()
        self.ready = Event()
        """Set once the connect is over, open or failed: until then the account's slot is
        taken, so a second connect of the account cannot open a second socket."""
        self.closed = Event()
        """Set once the socket is closed (or never opened): its acks have been handled."""

    def open(self, token: str, context: dict[str, Any]) -> None:
        """Connect as the account, timed as `chat_connect`."""
        self.opened_at = time.time()
        started = time.perf_counter()
        try:
            self.socket = ChatSocket.connect(
                current_plan().base_url, token, self._on_push, self._on_fault
            )
        except SOCKET_FAULTS as error:
            self.closed.set()
            report_call(self.environment, "chat_connect", started, error, context)
            return
        finally:
            self.ready.set()
        report_call(self.environment, "chat_connect", started, None, context)

    def send(
        self, to: int, text: str, client_msg_id: str, context: dict[str, Any]
    ) -> dict[str, Any] | None:
        """A message over the socket, timed as `chat_send` with the sending user's request
        `context`; the message once confirmed."""
        assert self.socket is not None
        frame = {"type": "send", "to": to, "text": text, "client_msg_id": client_msg_id}
        reply = timed_call(self.socket, self.environment, "chat_send", frame, context)
        return None if reply is None else reply["message"]

    def close(self) -> None:
        """Close without losing a message (see module docstring).

        The socket is let go before closing it: the close waits for a ping, yielding to
        other greenlets, and one of them (the actor's next disconnect, or the end of the
        test) may close it too.
        """
        socket, self.socket = self.socket, None
        if socket is not None:
            socket.close()
            self.closed.set()

    def disconnect(self, context: dict[str, Any]) -> None:
        """A traced disconnect: the close, timed as `chat_disconnect`."""
        started = time.perf_counter()
        self.close()
        report_call(self.environment, "chat_disconnect", started, None, context)

    def _on_push(self, frame: Frame) -> None:
        key = pushed_message_key(frame)
        if key is None:
            return
        if frame["message"]["sent_at"] >= self.opened_at:  # else a backlog: late, not slow
            RECORDER.record_delivery(time.time() - frame["message"]["sent_at"])
        self.receipts.receive(key)

    def _on_fault(self, error: BaseException) -> None:
        self.environment.events.user_error.fire(
            user_instance=None, exception=error, tb=error.__traceback__
        )


def chat_connect(turn: Turn) -> str | None:
    seen = turn.seen
    while (current := seen.socket) is not None and not current.closed.is_set():
        if not current.ready.is_set() or current.socket is not None:
            return "the account's socket is already open (overlapping sessions, or folded actors)"
        current.closed.wait()  # a close under way (module docstring); then look again
    opening = seen.socket = ActorSocket(turn.user.environment, seen.receipts)
    opening.open(turn.user.population.tokens[turn.index], turn.user.context())
    return None


def chat_disconnect(turn: Turn) -> str | None:
    socket = turn.seen.socket
    if socket is not None:
        socket.ready.wait()  # a connect under way: disconnect what it opens
    if socket is None or socket.socket is None:
        return "the account's socket is not open"
    socket.disconnect(turn.user.context())
    return None


def chat_presence(turn: Turn) -> str | None:
    status = turn.params.get("status")
    if not isinstance(status, str):
        return "params lack status"
    api.choose_status(turn.user.client, turn.headers, status)
    return None


def chat_friends(turn: Turn) -> str | None:
    friends = api.friends_statuses(turn.user.client, turn.headers, FRIENDS_PAGE)
    turn.seen.friends = sorted(friends)
    return None


def chat_send(turn: Turn) -> str | None:
    if "to" not in turn.params:
        return "params lack to"
    to = _recipient(turn)
    if to is None:
        return "the account has no friend on the server to message"
    client_msg_id = f"replay-{next(turn.world.keys)}"
    text = turn.text("replayed message")
    socket = turn.seen.socket
    if socket is not None and socket.socket is not None:
        message = socket.send(to, text, client_msg_id, turn.user.context())
    else:
        message = api.send_message(turn.user.client, turn.headers, to, text, client_msg_id)
    if message is not None:
        conversation: str = message["conversation"]
        RECORDER.deliveries.record_sent(message_key(conversation, client_msg_id), to)
        turn.seen.conversation = conversation
    return None


def chat_history(turn: Turn) -> str | None:
    conversation = turn.seen.conversation
    if conversation is None:
        return "the account has no conversation yet"
    limit = int(turn.params.get("limit") or turn.user.scenario.behaviour.page_size)
    api.read_conversation(turn.user.client, turn.headers, conversation, limit)
    return None


def close_all(world: World) -> None:
    """Close every socket still open when the trace ends."""
    for seen in world.seen.values():
        if seen.socket is not None:
            seen.socket.close()


def _recipient(turn: Turn) -> int | None:
    """The traced recipient's account if a friend, else a friend picked by it."""
    traced = turn.params.get("to")
    to = turn.world.account_id(traced)
    friends = turn.seen.friends or turn.world.follows.friends(turn.index)
    if to in friends or not friends:
        return to if to in friends else None
    return friends[(traced if isinstance(traced, int) else 0) % len(friends)]


HANDLERS: dict[str, Handler] = {
    "chat_connect": chat_connect, "chat_disconnect": chat_disconnect,
    "chat_presence": chat_presence, "chat_friends": chat_friends, "chat_send": chat_send,
    "chat_history": chat_history,
}  # fmt: skip
