"""A replayed account's socket closed by two greenlets at once closes once, without error.

Run in a child interpreter: importing Locust monkey-patches the process (gevent), which the
test process must not be.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from loadtests.control.server import python_env

CLOSE_TWICE = textwrap.dedent(
    """
    import gevent
    from loadtests.generator.users.replay_chat import ActorSocket

    class SlowSocket:
        closed = 0
        def call(self, frame):
            gevent.sleep(0.01)  # the ping's answer: other greenlets run meanwhile
        def close(self):
            SlowSocket.closed += 1

    replayed = ActorSocket.__new__(ActorSocket)
    replayed.socket = SlowSocket()
    jobs = [gevent.spawn(replayed.close) for _ in range(2)]
    gevent.joinall(jobs, raise_error=True)
    assert SlowSocket.closed == 1, SlowSocket.closed
    assert replayed.socket is None
    print("closed once")
    """
)


def test_two_closes_at_once_close_the_socket_once() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CLOSE_TWICE], env=python_env(), capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "closed once"
