"""A socket the server has closed answers no more: calls on it fail at once, not after the
reply timeout, and a replayed viewer whose room ended skips its leave with that reason.

Run in a child interpreter (`child.run_child`).
"""

from __future__ import annotations

import textwrap

from tests.loadtests.generator.users.child import run_child

CLOSED_BY_THE_SERVER = textwrap.dedent(
    """
    import gevent
    from loadtests.generator.users import replay_live
    from loadtests.generator.users.chat_socket import ChatSocket, SocketClosed

    class ClosedByTheServer:
        sent = []
        def recv(self):
            return ""  # the server's close frame: a room that ended
        def send(self, text):
            ClosedByTheServer.sent.append(text)
        def close(self, timeout):
            pass

    def socket():
        opened = ChatSocket(ClosedByTheServer(), {"type": "hello"}, print, print)
        gevent.sleep(0)  # the reader meets the close
        return opened

    with gevent.Timeout(5):  # the reply timeout is 30 s: without the fix this fires
        try:
            socket().call({"type": "comment", "text": "hi"})
        except SocketClosed:
            print("call refused")
        print("close:", type(socket().close()).__name__)

    class Seen:
        room = socket()
    class Turn:
        seen = Seen
        class user:
            environment = None
    print("leave:", replay_live.leave(Turn) == replay_live.ROOM_ENDED, Seen.room)
    print("frames sent:", len(ClosedByTheServer.sent))
    """
)


def test_a_socket_the_server_closed_refuses_calls_at_once_and_a_late_leave_is_skipped() -> None:
    stdout = run_child(CLOSED_BY_THE_SERVER)
    assert stdout.split("\n")[:4] == [
        "call refused", "close: SocketClosed", "leave: True None", "frames sent: 0",
    ]  # fmt: skip
