"""A replayed account's socket closed by two greenlets at once closes once, without error;
the account's next connection waits until a close under way is done; two connects of one
account during one handshake open one socket.

Run in a child interpreter (`child.run_child`).
"""

from __future__ import annotations

import textwrap

from tests.loadtests.generator.users.child import run_child

CLOSE_TWICE = textwrap.dedent(
    """
    import gevent
    from gevent.event import Event
    from loadtests.generator.users.replay_chat import ActorSocket

    class SlowSocket:
        closed = 0
        def call(self, frame):
            gevent.sleep(0.01)  # the ping's answer: other greenlets run meanwhile
        def close(self):
            SlowSocket.closed += 1

    replayed = ActorSocket.__new__(ActorSocket)
    replayed.socket = SlowSocket()
    replayed.closed = Event()
    jobs = [gevent.spawn(replayed.close) for _ in range(2)]
    gevent.joinall(jobs, raise_error=True)
    assert SlowSocket.closed == 1, SlowSocket.closed
    assert replayed.socket is None
    print("closed once")
    """
)


def test_two_closes_at_once_close_the_socket_once() -> None:
    stdout = run_child(CLOSE_TWICE)
    assert stdout.strip() == "closed once"


RECONNECT_WHILE_CLOSING = textwrap.dedent(
    """
    import gevent
    from gevent.event import Event
    from loadtests.generator.users import replay_chat
    from loadtests.generator.users.replay_chat import ActorSocket

    order = []

    class ClosingSocket:
        def close(self):
            gevent.sleep(0.05)  # the ping after the last ack, still unanswered
            order.append("closed")

    class Opened:
        def __init__(self, environment, receipts):
            pass
        def open(self, token, context):
            order.append("opened")
            self.socket = object()

    class Seen:
        socket = ActorSocket.__new__(ActorSocket)
        receipts = None

    Seen.socket.socket, Seen.socket.closed = ClosingSocket(), Event()
    Seen.socket.ready = Event()
    Seen.socket.ready.set()

    class Turn:
        seen, index = Seen, 0
        class user:
            environment = None
            population = type("P", (), {"tokens": ["t"]})
            @staticmethod
            def context():
                return {}

    replay_chat.ActorSocket = Opened
    closing = gevent.spawn(Seen.socket.close)
    gevent.sleep(0)  # the close has begun: the socket is let go, its ping in flight
    skipped = replay_chat.chat_connect(Turn)
    closing.get()
    assert skipped is None, skipped
    print(" ".join(order))
    """
)


def test_a_connect_while_the_last_socket_closes_waits_for_the_close() -> None:
    stdout = run_child(RECONNECT_WHILE_CLOSING)
    assert stdout.strip() == "closed opened"


CONNECT_TWICE = textwrap.dedent(
    """
    import gevent
    from loadtests.generator.users import replay_chat
    from loadtests.generator.users.replay_turn import Seen

    handshakes = []

    def connect(base_url, token, on_push, on_fault):
        handshakes.append(token)
        gevent.sleep(0.05)  # the upgrade's round trip: other users run meanwhile
        return object()

    class Events:
        class request:
            @staticmethod
            def fire(**request):
                pass

    class Turn:
        seen, index = Seen(), 0
        class user:
            class environment:
                events = Events
            population = type("P", (), {"tokens": ["t"]})
            @staticmethod
            def context():
                return {}

    replay_chat.ChatSocket.connect = connect
    replay_chat.current_plan = lambda: type("Plan", (), {"base_url": "http://127.0.0.1:1"})
    first = gevent.spawn(replay_chat.chat_connect, Turn)
    gevent.sleep(0)  # the first connect's handshake is under way
    second = replay_chat.chat_connect(Turn)
    assert first.get() is None
    print(len(handshakes), second)
    """
)


def test_two_connects_of_one_account_during_one_handshake_open_one_socket() -> None:
    stdout = run_child(CONNECT_TWICE)
    assert stdout.strip() == (
        "1 the account's socket is already open (overlapping sessions, or folded actors)"
    )
