"""Locust users of the HTTP benchmarks, one request type each, no think time (throughput).

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
from locust import HttpUser, constant, task

from benchmarks.bare_app import BARE_PATH
from benchmarks.locust_run import PEOPLE_ENV

_next_person = itertools.count()
_keys = itertools.count()
_KEY_PREFIX = secrets.token_hex(8)
"""Idempotency keys are unique across the Locust processes of a run, which share a server."""


def _people() -> dict[str, Any]:
    file = os.environ.get(PEOPLE_ENV)
    return orjson.loads(Path(file).read_bytes()) if file else {"ids": [], "tokens": []}


class SeededUser(HttpUser):
    """Acts as the next seeded account, so concurrent users read different timelines."""

    abstract = True
    wait_time = constant(0)
    people = _people()

    def on_start(self) -> None:
        me = next(_next_person) % len(self.people["ids"])
        self.me = self.people["ids"][me]
        self.friend = self.people["ids"][me ^ 1]
        self.client.headers["Authorization"] = f"Bearer {self.people['tokens'][me]}"


class BareUser(HttpUser):
    wait_time = constant(0)

    @task
    def bare(self) -> None:
        self.client.get(BARE_PATH)


class TimelineUser(SeededUser):
    @task
    def home_timeline(self) -> None:
        self.client.get("/timeline/home")


class ChatUser(SeededUser):
    @task
    def chat_send(self) -> None:
        self.client.post("/chat/messages", json={"to": self.friend, "text": "benchmark message"})


class PaymentUser(SeededUser):
    @task
    def gift(self) -> None:
        """One fen to the friend: a payment with its own key, never a retry."""
        self.client.post(
            f"/wallets/{self.me}/gifts",
            json={"recipient_id": self.friend, "amount_fen": 1},
            headers={"Idempotency-Key": f"bench-{_KEY_PREFIX}-{next(_keys)}"},
            name="gift",
        )
