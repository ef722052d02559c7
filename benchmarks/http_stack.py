"""The reference microblog's HTTP stack under Locust: home-timeline read, chat send and
payment, throughput and p99 latency, each as a ratio to a bare endpoint of the same stack
(FastAPI under uvicorn, started the same way, loaded by the same Locust) measured in the
same repeat.

The microblog runs on SQLite as `fanout loadtest` runs it (loadtests.control.server), seeded
with `POPULATION` (benchmarks.seeding: friend pairs following random others, posts, credited
wallets); a payment is a one-fen gift to the friend (`POST /wallets/{id}/gifts`, fresh
Idempotency-Key), the ledger's simplest posting.
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
from benchmarks.seeding import Population, audit_failures, seed_people
from benchmarks.serving import bare_server
from loadtests.control.server import local_server
from microblog.config import FanoutStrategy, PlatformConfig

POPULATION = Population(people=200, follows_each=20, posts=400)
SEED = 20260101
USERS = 20
"""Concurrent Locust users: enough to keep a single uvicorn worker busy."""
RUN_TIME_S = {True: 6.0, False: 20.0}
"""Length of one Locust measurement, quick and full."""
PATHS = {"timeline_read": "TimelineUser", "chat_send": "ChatUser", "gift": "PaymentUser"}


def measure(base_url: str, user_class: str, run_time_s: float, env: dict[str, str]) -> dict:
    done = run_locust(base_url, Load(user_class, USERS, run_time_s), env)
    return {"requests_per_s": done.requests_per_s, "p99_ms": done.p99_ms, "failures": done.failures}


@contextmanager
def prepare(quick: bool) -> Iterator[Repeat]:
    platform = PlatformConfig(fanout=FanoutStrategy.HYBRID)
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fanout-bench-")))
        blog = stack.enter_context(local_server(platform))
        bare_url = stack.enter_context(bare_server(1, tmp))
        operator = {"Authorization": f"Bearer {blog.operator_token}"}
        client = stack.enter_context(httpx.Client(base_url=blog.base_url, headers=operator))
        people = seed_people(client, np.random.default_rng(SEED), POPULATION)
        (tmp / "people.json").write_bytes(orjson.dumps(people.as_json()))
        env = {PEOPLE_ENV: str(tmp / "people.json")}
        run_time_s = RUN_TIME_S[quick]

        def repeat() -> Measured:
            values = {
                f"bare.{k}": v for k, v in measure(bare_url, "BareUser", run_time_s, env).items()
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
