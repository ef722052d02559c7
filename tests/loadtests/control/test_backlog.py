"""Reading an offline recipient's backlog from the chat socket, and the socket's frames."""

from __future__ import annotations

import orjson
import pytest

from loadtests.control.backlog import read_backlog
from loadtests.records.chat_wire import decode, is_reply, pushed_message_key, socket_url
from loadtests.records.deliveries import message_key


class FakeSocket:
    """Plays back server frames; the `pong` comes once the client has sent its ping."""

    def __init__(self, before_ping: list[dict[str, object]], after_ping: list[dict[str, object]]):
        self.frames = [orjson.dumps(f).decode() for f in before_ping]
        self.after_ping = [orjson.dumps(f).decode() for f in after_ping]
        self.timeout: float | None = None

    def settimeout(self, timeout: float | None) -> None:
        self.timeout = timeout

    def send(self, text: str) -> None:
        ref = orjson.loads(text)["ref"]
        pong = {"type": "pong", "ref": ref, "work": ""}
        self.frames += [orjson.dumps(pong).decode(), *self.after_ping]

    def recv(self) -> str:
        return self.frames.pop(0)


def pushed(conversation: str, client_msg_id: str | None) -> dict[str, object]:
    message = {"id": 1, "conversation": conversation, "client_msg_id": client_msg_id}
    return {"type": "message", "message": {**message, "sent_at": 1.0, "text": "hi"}}


def test_the_backlog_is_every_keyed_message_pushed_before_the_pong() -> None:
    hello = {"type": "hello", "account_id": 2, "status": "online"}
    presence = {"type": "presence", "account_id": 1, "name": "a", "status": "busy"}
    before = [hello, pushed("dm-1-2", "a-1"), presence, pushed("dm-2-3", None)]
    socket = FakeSocket(before, after_ping=[pushed("dm-1-2", "a-2")])
    assert read_backlog(socket) == [message_key("dm-1-2", "a-1")]  # type: ignore[arg-type]
    assert socket.timeout is not None


def test_socket_urls_point_at_ws_on_the_same_host_with_the_token() -> None:
    assert socket_url("http://127.0.0.1:8000", "a b") == "ws://127.0.0.1:8000/ws?token=a+b"
    assert socket_url("https://localhost", "t").startswith("wss://localhost/ws?")


def test_replies_carry_a_ref_and_pushes_do_not() -> None:
    assert is_reply(decode('{"type": "pong", "ref": null, "work": ""}'))
    assert not is_reply(decode('{"type": "hello", "account_id": 1, "status": "online"}'))
    assert pushed_message_key(decode('{"type": "hello", "account_id": 1}')) is None


@pytest.mark.parametrize("text", ["[1, 2]", '{"no": "type"}'])
def test_anything_but_a_typed_object_is_not_a_frame(text: str) -> None:
    with pytest.raises(ValueError, match="not a chat frame"):
        decode(text)
