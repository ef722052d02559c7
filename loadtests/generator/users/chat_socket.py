"""One Locust user's chat WebSocket under gevent: calls that wait for their reply, and pushes.

A reader greenlet owns the socket's receiving side. Replies (frames with a `ref`) complete
the call that sent the matching frame; pushes (`message`, `presence`) go to the user's
handler as they arrive, between or during its calls. Sending happens on the caller's
greenlet; gevent's monkey-patching makes both sides cooperative (websocket-client's send
lock keeps their frames whole).

Receiving a message means acknowledging it: the reader sends an `ack` for it and only then
hands it to the handler, so a message the handler counted is one the server will not push
again. Closing stops taking messages first (one arriving later stays unacknowledged, and
the account's next connection is pushed it again), then waits for a `ping`'s `pong`, which
comes after every frame sent before it, acks included, has been handled.

Once the reader has stopped (the server closed the socket: a live room that ended, a
connection cut), no reply can come: a call fails at once instead of waiting
REPLY_TIMEOUT_S for one, and so does a close's `ping`.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

import gevent
from gevent.event import AsyncResult
from locust.env import Environment
from websocket import WebSocket, WebSocketConnectionClosedException, WebSocketException

from loadtests.records.chat_wire import (
    CHAT_PATH,
    REPLY_TIMEOUT_S,
    decode,
    encode,
    is_reply,
    open_socket,
)

Frame = dict[str, Any]
PushHandler = Callable[[Frame], None]
ErrorHandler = Callable[[BaseException], None]
CLOSE_TIMEOUT_S = 3.0
"""Longest wait for the server to answer our close frame."""


class SocketClosed(ConnectionError):
    """The socket closed while a call waited for its reply."""


class ReplyError(RuntimeError):
    """The server answered a frame with an `error` reply."""


SOCKET_FAULTS = (
    ReplyError, SocketClosed, WebSocketException, ConnectionError, OSError, ValueError,
    gevent.Timeout,
)  # fmt: skip
"""What a socket call can fail with: counted as a failed request, not a fault of the test."""


def report_call(
    environment: Environment,
    name: str,
    started: float,
    error: BaseException | None,
    context: dict[str, Any],
) -> None:
    """Report a socket call begun at `started` (perf_counter) to Locust as the request
    `name`, with the caller's request `context` (its lateness on a schedule)."""
    environment.events.request.fire(
        request_type="WS", name=name, response_time=(time.perf_counter() - started) * 1000,
        response_length=0, exception=error, context=context,
    )  # fmt: skip


def timed_call(
    socket: ChatSocket, environment: Environment, name: str, frame: Frame, context: dict[str, Any]
) -> Frame | None:
    """A socket call timed and reported as the request `name`; None when it failed."""
    started = time.perf_counter()
    try:
        reply = socket.call(frame)
    except SOCKET_FAULTS as error:
        report_call(environment, name, started, error, context)
        return None
    report_call(environment, name, started, None, context)
    return reply


class ChatSocket:
    """A live `/ws` connection (see module docstring); `hello` has been read when it exists."""

    def __init__(
        self, socket: WebSocket, hello: Frame, on_push: PushHandler, on_error: ErrorHandler
    ) -> None:
        self.socket = socket
        self.hello = hello
        self.on_push = on_push
        self.on_error = on_error
        self.waiting: dict[str, AsyncResult] = {}
        self.refs = itertools.count()
        self.closing = False
        """Set on closing: messages arriving from then on are left unacknowledged."""
        self.gone: Exception | None = None
        """Why the reader stopped, once it has: no reply will come any more."""
        self.reader = gevent.spawn(self._read)

    @classmethod
    def connect(
        cls,
        base_url: str,
        token: str,
        on_push: PushHandler,
        on_error: ErrorHandler,
        path: str = CHAT_PATH,
    ) -> ChatSocket:
        """Connect as the token's account; `on_error` hears of failures in the reader.
        `path` names another socket of the same framing (a live room's: users/live.py)."""
        socket = open_socket(base_url, token, path)
        hello = decode(socket.recv())
        if hello["type"] != "hello":
            socket.close()
            raise ConnectionError(f"expected hello first, got {hello['type']!r}")
        socket.settimeout(None)  # the reader waits for pushes as long as the socket lives
        return cls(socket, hello, on_push, on_error)

    def call(self, frame: Frame) -> Frame:
        """Send a client frame and return its reply; raises ReplyError on an `error` reply."""
        ref = str(next(self.refs))
        result = self.waiting[ref] = AsyncResult()
        try:
            if self.gone is not None:
                raise SocketClosed(f"chat socket closed: {self.gone!r}")
            self.socket.send(encode({**frame, "ref": ref}))
            reply: Frame = result.get(timeout=REPLY_TIMEOUT_S)
        finally:
            self.waiting.pop(ref, None)
        if reply["type"] == "error":
            raise ReplyError(f"{frame['type']}: {reply['error']}: {reply['message']}")
        return reply

    def close(self) -> BaseException | None:
        """Close without losing a message (module docstring); the fault met on the way."""
        self.closing = True
        try:
            self.call({"type": "ping"})
            error = None
        except SOCKET_FAULTS as fault:
            error = fault
        self.reader.kill()
        self.socket.close(timeout=CLOSE_TIMEOUT_S)
        return error

    def _read(self) -> None:
        try:
            while True:
                text = self.socket.recv()
                if not text:  # a close frame from the server (a live room that ended)
                    raise WebSocketConnectionClosedException("closed by the server")
                frame = decode(text)
                if is_reply(frame):
                    self._complete(frame)
                elif frame["type"] != "message":
                    self.on_push(frame)
                elif not self.closing:
                    self.socket.send(encode({"type": "ack", "up_to": frame["message"]["id"]}))
                    self.on_push(frame)
        except Exception as error:
            self.gone = error
            self._fail_waiting(error)

    def _complete(self, reply: Frame) -> None:
        waiter = self.waiting.pop(str(reply["ref"]), None)
        if waiter is not None:
            waiter.set(reply)

    def _fail_waiting(self, error: Exception) -> None:
        """The socket is gone: wake every waiting call (they fail as requests); anything
        but the connection closing is a fault in the test itself, reported as such."""
        for waiter in self.waiting.values():
            waiter.set_exception(SocketClosed(f"chat socket closed: {error!r}"))
        if not isinstance(error, OSError | WebSocketConnectionClosedException):
            self.on_error(error)
