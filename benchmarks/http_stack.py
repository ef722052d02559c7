"""The reference microblog's HTTP stack under Locust: home-timeline read, chat send and
payment, throughput and p99 latency, each as a ratio to a bare endpoint of the same stack
(FastAPI under uvicorn, started the same way, loaded by the same Locust) measured in the
same repeat.

The microblog runs on SQLite as `fanout loadtest` runs it (loadtests.control.server), seeded with
`PEOPLE` accounts in friend pairs, each following `FOLLOWS_EACH` others, and `POSTS` posts
so timelines are not empty. Every wallet is credited `WALLET_FEN` through the operator's
`/admin/seed/wallets`, as loadtests.control.seed_money does; a payment is a one-fen gift to the
friend (`POST /wallets/{id}/gifts`, fresh Idempotency-Key), the ledger's simplest posting.
After each repeat the operator's ledger audit must balance, or the benchmark fails.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import numpy as np
import orjson

from benchmarks.locust_run import PEOPLE_ENV, Load, run_locust
from benchmarks.runner import Benchmark, Measured, Ratio, Repeat
from loadtests.control.server import local_server
from microblog.config import FanoutStrategy, PlatformConfig
from microblog.money_config import MoneyConfig

BARE_APP = "benchmarks.bare_app:create_app"
PEOPLE = 200
FOLLOWS_EACH = 20
POSTS = 400
WALLET_FEN = MoneyConfig().max_amount_fen
"""Fen credited per wallet (the largest amount allowed): friends gift each other, so no
payment is refused for lack of coins."""
SEED = 20260101
USERS = 20
"""Concurrent Locust users: enough to keep a single uvicorn worker busy."""
RUN_TIME_S = {True: 6.0, False: 20.0}
"""Length of one Locust measurement, quick and full."""
PATHS = {"timeline_read": "TimelineUser", "chat_send": "ChatUser", "gift": "PaymentUser"}


def seed_people(client: httpx.Client, rng: np.random.Generator) -> dict[str, list]:
    """Accounts 2k and 2k+1 are friends; everyone follows random others; some post."""
    accounts = [{"name": f"bench_{i}"} for i in range(PEOPLE)]
    created = client.post("/admin/seed/accounts", json={"accounts": accounts}).raise_for_status()
    ids = [a["id"] for a in created.json()]
    tokens = [a["token"] for a in created.json()]
    pairs = [(ids[i], ids[i ^ 1]) for i in range(PEOPLE)]
    picks = rng.integers(0, PEOPLE, size=(PEOPLE, FOLLOWS_EACH))
    edges = pairs + [(ids[i], ids[j]) for i in range(PEOPLE) for j in picks[i] if i != j]
    client.post("/admin/seed/follows", json={"edges": edges}).raise_for_status()
    for n, author in enumerate(rng.integers(0, PEOPLE, size=POSTS)):
        headers = {"Authorization": f"Bearer {tokens[author]}"}
        client.post("/posts", json={"text": f"post {n}"}, headers=headers).raise_for_status()
    credits = [{"account_id": i, "amount_fen": WALLET_FEN} for i in ids]
    client.post("/admin/seed/wallets", json={"credits": credits}).raise_for_status()
    return {"ids": ids, "tokens": tokens}


def audit_failures(client: httpx.Client) -> tuple[str, ...]:
    """What the operator's ledger audit finds wrong after the payments (nothing, we hope)."""
    audit = client.get("/admin/ledger/audit").raise_for_status().json()
    return tuple(f"ledger audit: {problem}" for problem in audit["problems"])


def measure(base_url: str, user_class: str, run_time_s: float, env: dict[str, str]) -> dict:
    done = run_locust(base_url, Load(user_class, USERS, run_time_s), env)
    return {"requests_per_s": done.requests_per_s, "p99_ms": done.p99_ms, "failures": done.failures}


@contextmanager
def prepare(quick: bool) -> Iterator[Repeat]:
    platform = PlatformConfig(fanout=FanoutStrategy.HYBRID)
    with ExitStack() as stack:
        blog = stack.enter_context(local_server(platform))
        bare = stack.enter_context(local_server(platform, app=BARE_APP))
        operator = {"Authorization": f"Bearer {blog.operator_token}"}
        client = stack.enter_context(httpx.Client(base_url=blog.base_url, headers=operator))
        people = seed_people(client, np.random.default_rng(SEED))
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fanout-bench-")))
        (tmp / "people.json").write_bytes(orjson.dumps(people))
        env = {PEOPLE_ENV: str(tmp / "people.json")}
        run_time_s = RUN_TIME_S[quick]

        def repeat() -> Measured:
            values = {
                f"bare.{k}": v
                for k, v in measure(bare.base_url, "BareUser", run_time_s, env).items()
            }
            for path, user_class in PATHS.items():
                for k, v in measure(blog.base_url, user_class, run_time_s, env).items():
                    values[f"{path}.{k}"] = v
            return Measured(values, failures=audit_failures(client))

        yield repeat


NAMES = ("bare", *PATHS)
BENCHMARK = Benchmark(
    name="http",
    description="timeline read, chat send, gift over HTTP (Locust), vs a bare endpoint",
    prepare=prepare,
    units={
        **{f"{n}.requests_per_s": "requests/s" for n in NAMES},
        **{f"{n}.p99_ms": "ms" for n in NAMES},
        **{f"{n}.failures": "requests" for n in NAMES},
    },
    ratios={
        **{
            f"ratio.{p}.throughput_vs_bare": Ratio(f"{p}.requests_per_s", "bare.requests_per_s")
            for p in PATHS
        },
        **{f"ratio.{p}.p99_vs_bare": Ratio(f"{p}.p99_ms", "bare.p99_ms") for p in PATHS},
    },
    repeats=3,
    quick_repeats=2,
)
