"""The chat WebSocket (`/ws`, docs/chat.md) as the load test speaks it, with websocket-client.

websocket-client is plain blocking sockets, so one library serves both sides: inside
Locust, gevent's monkey-patching makes every read and write cooperative; in the parent
process (collecting backlogs after the run) it blocks like any socket. Connections never
go through a proxy, whatever the environment says: load goes to 127.0.0.1 only.

This module does not import Locust.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import orjson
from websocket import WebSocket, create_connection

from loadtests.records.deliveries import message_key

CONNECT_TIMEOUT_S = 30.0
"""Longest wait for the upgrade handshake (the server may be busy under load)."""
CHAT_PATH = "/ws"
REPLY_TIMEOUT_S = 30.0
"""Longest wait for the one reply every client frame gets."""


def socket_url(base_url: str, token: str, path: str = CHAT_PATH) -> str:
    """`ws://host:port/ws?token=...` for the server at `base_url` (http -> ws); `path`
    another socket of the same framing (a live room's)."""
    parts = urlsplit(base_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return urlunsplit((scheme, parts.netloc, path, urlencode({"token": token}), ""))


def open_socket(base_url: str, token: str, path: str = CHAT_PATH) -> WebSocket:
    """A connected socket acting as the token's account; the `hello` push comes first."""
    return create_connection(
        socket_url(base_url, token, path), timeout=CONNECT_TIMEOUT_S, http_no_proxy=["*"]
    )


def encode(frame: dict[str, Any]) -> str:
    return orjson.dumps(frame).decode()


def decode(text: str | bytes) -> dict[str, Any]:
    frame = orjson.loads(text)
    if not isinstance(frame, dict) or "type" not in frame:
        raise ValueError(f"not a chat frame: {text!r:.200}")
    return frame


def is_reply(frame: dict[str, Any]) -> bool:
    """Replies to client frames carry `ref` (maybe null); pushes never do."""
    return "ref" in frame


def pushed_message_key(frame: dict[str, Any]) -> str | None:
    """The delivery key of a `message` push; None for other frames or unkeyed messages."""
    if frame["type"] != "message" or frame["message"].get("client_msg_id") is None:
        return None
    message = frame["message"]
    return message_key(message["conversation"], message["client_msg_id"])
