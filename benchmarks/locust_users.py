"""Locust users of the HTTP benchmarks, one request type each, no think time (throughput).

They are `FastHttpUser`s (geventhttpclient), the HTTP client every Fanout load-test user
speaks through (loadtests.generator.users.base.FanoutUser), so the `loadgen` and `http`
benchmarks measure the generator the load tests really use, not python-requests (which
saturates near 0.3x wrk here and hid the server's cost). Headers are built per request as
the load tests build them (`bearer`), FastHttpSession having no session-wide headers.

Run by benchmarks.locust_run in a Locust process of its own; FANOUT_BENCH_PEOPLE names a JSON
file with the seeded accounts' `ids` and `tokens`, where accounts 2k and 2k+1 are friends
(and their wallets are funded, see benchmarks.http_stack).
"""

from __future__ import annotations

import itertools
import os
import secrets
from pathlib import Path
from typing import Any

import orjson
from locust import FastHttpUser, constant, task

from benchmarks.bare_app import BARE_PATH
from benchmarks.locust_run import PEOPLE_ENV
from loadtests.generator.users.api import KEY_HEADER, bearer

_next_person = itertools.count()
_keys = itertools.count()
_KEY_PREFIX = secrets.token_hex(8)
"""Idempotency keys are unique across the Locust processes of a run, which share a server."""


def _people() -> dict[str, Any]:
    file = os.environ.get(PEOPLE_ENV)
    return orjson.loads(Path(file).read_bytes()) if file else {"ids": [], "tokens": []}


class SeededUser(FastHttpUser):
    """Acts as the next seeded account, so concurrent users read different timelines."""

    abstract = True
    wait_time = constant(0)
    people = _people()

    def on_start(self) -> None:
        me = next(_next_person) % len(self.people["ids"])
        self.me = self.people["ids"][me]
        self.friend = self.people["ids"][me ^ 1]
        self.auth = bearer(self.people["tokens"][me])


class BareUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def bare(self) -> None:
        self.client.get(BARE_PATH)


class TimelineUser(SeededUser):
    @task
    def home_timeline(self) -> None:
        self.client.get("/timeline/home", headers=self.auth)


class ChatUser(SeededUser):
    @task
    def chat_send(self) -> None:
        message = {"to": self.friend, "text": "benchmark message"}
        self.client.post("/chat/messages", json=message, headers=self.auth)


class PaymentUser(SeededUser):
    @task
    def gift(self) -> None:
        """One fen to the friend: a payment with its own key, never a retry."""
        self.client.post(
            f"/wallets/{self.me}/gifts",
            json={"recipient_id": self.friend, "amount_fen": 1},
            headers={**self.auth, KEY_HEADER: f"bench-{_KEY_PREFIX}-{next(_keys)}"},
            name="gift",
        )
