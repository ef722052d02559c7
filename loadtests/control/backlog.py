"""After a load test: collect the chat messages still waiting for offline recipients.

A message sent to an account with no live connection waits in its inbox and is pushed
when it next connects. Once Locust has stopped, the parent connects as each recipient of
a message no connection received, takes the pushed backlog up to a `ping` barrier (every
push made before the `pong` arrives before it) and disconnects. What it collects is not
lost, only late; loadtests.records.deliveries judges the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import closing

from websocket import WebSocket

from loadtests.records.chat_wire import (
    REPLY_TIMEOUT_S,
    decode,
    encode,
    open_socket,
    pushed_message_key,
)

BARRIER_REF = "backlog"


def drain_backlogs(base_url: str, tokens: Mapping[int, str], accounts: Iterable[int]) -> list[str]:
    """Keys of the messages pushed to each account on connecting (its backlog)."""
    drained: list[str] = []
    for account_id in sorted(set(accounts)):
        with closing(open_socket(base_url, tokens[account_id])) as socket:
            drained += read_backlog(socket)
    return drained


def read_backlog(socket: WebSocket) -> list[str]:
    """Message keys pushed to a freshly connected socket before it answers a ping."""
    socket.settimeout(REPLY_TIMEOUT_S)
    socket.send(encode({"type": "ping", "ref": BARRIER_REF}))
    keys: list[str] = []
    while True:
        frame = decode(socket.recv())
        if frame.get("ref") == BARRIER_REF:
            return keys
        key = pushed_message_key(frame)
        if key is not None:
            keys.append(key)
