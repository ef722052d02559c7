"""Seeding the reference microblog over HTTP for the server benchmarks, and checking it after.

Accounts come in friend pairs (2k and 2k+1 follow each other, so they may chat and gift),
each also following random others; random accounts post through the API (so pushed posts
fan out as in use); every wallet is credited through the operator's bulk endpoints, as
loadtests.control.seed_money does. The operator's ledger audit says afterwards whether the
payments made kept the books balanced.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np

from microblog.money_config import MoneyConfig

WALLET_FEN = MoneyConfig().max_amount_fen
"""Fen credited per wallet (the largest amount allowed): friends gift each other, so no
payment is refused for lack of coins."""
FANOUT_DRAIN_TIMEOUT_S = 60.0
"""Longest wait for the seeded posts' fan-out to finish before measuring reads."""
SETTLE_TIMEOUT_S = 30.0
"""Longest wait for payments still running after the load stopped, before the audit."""
POLL_INTERVAL_S = 0.1


@dataclass(frozen=True)
class Population:
    """How much to seed: accounts (an even number), follows per account, posts."""

    people: int
    follows_each: int
    posts: int


@dataclass(frozen=True)
class People:
    """The seeded accounts: ids and bearer tokens, friends at indices 2k and 2k+1."""

    ids: list[int]
    tokens: list[str]

    def friend_of(self, index: int) -> int:
        return self.ids[index ^ 1]

    def as_json(self) -> dict[str, list]:
        return {"ids": self.ids, "tokens": self.tokens}

    def write_tsv(self, path: Path) -> Path:
        """One `id<TAB>token<TAB>friend id` line per account (benchmarks/wrk/people.lua)."""
        lines = (
            f"{i}\t{t}\t{self.friend_of(n)}\n"
            for n, (i, t) in enumerate(zip(self.ids, self.tokens, strict=True))
        )
        path.write_text("".join(lines))
        return path


def seed_people(client: httpx.Client, rng: np.random.Generator, population: Population) -> People:
    """Accounts in friend pairs following random others, posts, credited wallets."""
    n = population.people
    accounts = [{"name": f"bench_{i}"} for i in range(n)]
    created = client.post("/admin/seed/accounts", json={"accounts": accounts}).raise_for_status()
    people = People([a["id"] for a in created.json()], [a["token"] for a in created.json()])
    ids = people.ids
    pairs = [(ids[i], people.friend_of(i)) for i in range(n)]
    picks = rng.integers(0, n, size=(n, population.follows_each))
    edges = pairs + [(ids[i], ids[j]) for i in range(n) for j in picks[i] if i != j]
    client.post("/admin/seed/follows", json={"edges": edges}).raise_for_status()
    for k, author in enumerate(rng.integers(0, n, size=population.posts)):
        headers = {"Authorization": f"Bearer {people.tokens[author]}"}
        client.post("/posts", json={"text": f"post {k}"}, headers=headers).raise_for_status()
    credits = [{"account_id": i, "amount_fen": WALLET_FEN} for i in ids]
    client.post("/admin/seed/wallets", json={"credits": credits}).raise_for_status()
    return people


def wait_for_fanout(client: httpx.Client, posts: int) -> None:
    """Until the fan-out of `posts` pushed posts has finished (the operator's fan-out
    statistics count them), so reads measure full timelines, not a race with delivery."""
    deadline = time.monotonic() + FANOUT_DRAIN_TIMEOUT_S
    while client.get("/admin/stats/fanout").raise_for_status().json()["posts"] < posts:
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"fan-out of {posts} seeded posts unfinished after {FANOUT_DRAIN_TIMEOUT_S:g} s"
            )
        time.sleep(POLL_INTERVAL_S)


def audit_failures(client: httpx.Client) -> tuple[str, ...]:
    """What the operator's ledger audit finds wrong after the payments (nothing, we hope).

    A load generator stops by cutting its connections, so payments it sent may still be
    running in the server: the books are judged once the journal has stopped growing (two
    audits in a row count the same transfers), within `SETTLE_TIMEOUT_S`. On PostgreSQL an
    audit running beside a transfer can see the journal and the balances at different
    moments (a read transaction is READ COMMITTED there), which is not what is measured.
    """
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    audit = client.get("/admin/ledger/audit").raise_for_status().json()
    while time.monotonic() < deadline:
        time.sleep(POLL_INTERVAL_S)
        previous, audit = audit, client.get("/admin/ledger/audit").raise_for_status().json()
        if audit["transfers"] == previous["transfers"]:
            break
    return tuple(f"ledger audit: {problem}" for problem in audit["problems"])
