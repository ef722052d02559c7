"""The HTTP benchmarks' Locust users speak through the load tests' own HTTP client.

Checked in a child interpreter: importing Locust monkey-patches the one it runs in.
"""

from __future__ import annotations

import subprocess
import sys

from loadtests.control.server import python_env

CLIENT_BASES = """
from benchmarks import locust_users as bench
from loadtests.generator.users.base import FanoutUser

def locust_base(cls):  # the first class of Locust's own in its ancestry: the HTTP client
    return next(c for c in cls.__mro__ if c.__module__.startswith("locust."))

for user in (FanoutUser, bench.BareUser, bench.TimelineUser, bench.ChatUser, bench.PaymentUser):
    print(user.__name__, locust_base(user).__name__)
"""


def test_every_benchmark_user_has_the_load_tests_http_client_base() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CLIENT_BASES], capture_output=True, text=True, env=python_env()
    )
    assert done.returncode == 0, done.stderr[-2000:]
    bases = dict(line.split() for line in done.stdout.splitlines())
    product = bases.pop("FanoutUser")
    assert bases == dict.fromkeys(("BareUser", "TimelineUser", "ChatUser", "PaymentUser"), product)
