"""The reference microblog's server throughput under wrk, deployment by deployment.

Issue 19's measurements, as a benchmark: `GET /timeline/home` on each way of running the
microblog (SQLite, the memory store, PostgreSQL, PostgreSQL with the Redis cache tier, and
that with 2 server processes), `/healthz` (no work: what the middleware and routing cost),
and chat send and a one-fen gift on PostgreSQL (with and without Redis): requests/s and p99
from wrk (benchmarks.wrk_run), each as a ratio to the bare FastAPI endpoint
(benchmarks/bare_app.py) served by uvicorn with the same number of processes and measured
in the same repeat. wrk, not Locust, so the generator is not the bottleneck.

Each deployment is a real `fanout serve` process (benchmarks.serving) on a free port of
127.0.0.1, seeded like the issue (`POPULATION` through the operator's bulk endpoints and the
API, benchmarks.seeding); requests act as the seeded accounts in turn (the Lua scripts
in benchmarks/wrk/). A deployment that cannot run here (no PostgreSQL or Redis named, no
`--workers` option yet) is left out with the reason; a response outside 2xx, or a ledger
audit that does not balance after the gifts, fails the benchmark.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.bare_app import BARE_PATH, HEALTHZ_PATH
from benchmarks.runner import Benchmark, Measured, Ratio, Repeat, Skipped
from benchmarks.seeding import Population, audit_failures, seed_people, wait_for_fanout
from benchmarks.serving import Deployment, Served, bare_server, fanout_server
from benchmarks.wrk_run import WrkLoad, WrkResult, run_wrk, wrk_executable

POPULATION = Population(people=50, follows_each=20, posts=500)
"""Issue 19's set-up: 50 accounts following 20 others each, 500 posts."""
SEED = 20260102
RUN_TIME_S = {True: 3.0, False: 8.0}
"""Length of one wrk measurement, quick and full (issue 19 measured `-d8s`)."""


@dataclass(frozen=True)
class Probe:
    """One kind of request: the path wrk is pointed at and the Lua script that makes it."""

    name: str
    path: str
    script: str | None = None
    reference: str = BARE_PATH
    """The bare app's path it is compared with: `/bare` (a sync endpoint, as the API's
    are), or `/healthz` for the microblog's own (the same coroutine, so the ratio is what
    middleware, routing and error handling cost)."""

    def load(self, server: Served) -> WrkLoad:
        if self.script is None:
            return WrkLoad(server.base_url + self.path)
        args = (str(server.people_file), secrets.token_hex(8))
        return WrkLoad(server.base_url + self.path, self.script, args)


TIMELINE = Probe("timeline", "/timeline/home", "authorized_get.lua")
HEALTHZ = Probe("healthz", "/healthz", reference=HEALTHZ_PATH)
CHAT_SEND = Probe("chat_send", "/chat/messages", "chat_send.lua")
GIFT = Probe("gift", "/wallets", "gift.lua")

SQLITE = Deployment("sqlite", store="sqlite")
MEMORY = Deployment("memory", store="memory")
POSTGRESQL = Deployment("postgresql", store="postgresql")
POSTGRESQL_REDIS = Deployment("postgresql_redis", store="postgresql", cache="redis")
POSTGRESQL_REDIS_2 = Deployment("postgresql_redis_2proc", "postgresql", "redis", workers=2)


@dataclass(frozen=True)
class Row:
    probe: Probe
    deployment: Deployment

    @property
    def name(self) -> str:
        return f"{self.probe.name}.{self.deployment.name}"

    @property
    def reference(self) -> Reference:
        """The bare endpoint it is compared with, served with as many processes."""
        return Reference(self.probe.reference, self.deployment.workers)


ROWS = (
    Row(TIMELINE, SQLITE),
    Row(HEALTHZ, SQLITE),
    Row(TIMELINE, MEMORY),
    Row(TIMELINE, POSTGRESQL),
    Row(CHAT_SEND, POSTGRESQL),
    Row(GIFT, POSTGRESQL),
    Row(TIMELINE, POSTGRESQL_REDIS),
    Row(CHAT_SEND, POSTGRESQL_REDIS),
    Row(GIFT, POSTGRESQL_REDIS),
    Row(TIMELINE, POSTGRESQL_REDIS_2),
)
PROCESS_SCALING = Ratio(
    f"{Row(TIMELINE, POSTGRESQL_REDIS_2).name}.requests_per_s",
    f"{Row(TIMELINE, POSTGRESQL_REDIS).name}.requests_per_s",
)
"""Timeline reads with 2 server processes against 1 (wrk shares the machine's cores)."""


@dataclass(frozen=True, order=True)
class Reference:
    """A path of the bare app served by uvicorn with `workers` processes."""

    path: str
    workers: int

    @property
    def name(self) -> str:
        endpoint = "bare" if self.path == BARE_PATH else f"bare_{self.path.strip('/')}"
        return f"{endpoint}.{self.workers}proc"


def measured(name: str, result: WrkResult) -> Measured:
    """wrk's numbers under `name`; responses outside 2xx fail the benchmark."""
    values = {
        f"{name}.requests_per_s": result.requests_per_s,
        f"{name}.p99_ms": result.p99_ms,
        f"{name}.socket_errors": float(result.socket_errors),
    }
    refused = (f"{name}: {result.refused} responses outside 2xx",) if result.refused else ()
    return Measured(values, failures=refused)


def merged(parts: list[Measured], notes: tuple[str, ...]) -> Measured:
    values = {k: v for part in parts for k, v in part.values.items()}
    return Measured(values, notes, tuple(f for part in parts for f in part.failures))


@contextmanager
def seeded(
    deployment: Deployment, workdir: Path, population: Population = POPULATION
) -> Iterator[Served]:
    """`deployment` served and seeded with `population`, its accounts in a people file."""
    with fanout_server(deployment, workdir) as server, server.operator_client() as client:
        people = seed_people(client, np.random.default_rng(SEED), population)
        wait_for_fanout(client, population.posts)
        people.write_tsv(server.people_file)
        yield server


@contextmanager
def prepare(quick: bool) -> Iterator[Repeat]:
    wrk = wrk_executable()
    if wrk is None:
        raise Skipped("wrk: not installed (apt-get install wrk)")
    run_time_s = RUN_TIME_S[quick]
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fanout-wrk-")))
        servers: dict[Deployment, Served] = {}
        notes: list[str] = []
        for deployment in dict.fromkeys(row.deployment for row in ROWS):
            try:
                servers[deployment] = stack.enter_context(seeded(deployment, workdir))
            except Skipped as skip:
                notes.append(f"{deployment.name}: {skip}")
        rows = [row for row in ROWS if row.deployment in servers]
        bares = {
            workers: stack.enter_context(bare_server(workers, workdir))
            for workers in sorted({d.workers for d in servers})
        }
        references = sorted({row.reference for row in rows})

        def repeat() -> Measured:
            parts = [
                measured(ref.name, run_wrk(wrk, WrkLoad(bares[ref.workers] + ref.path), run_time_s))
                for ref in references
            ]
            for row in rows:
                load = row.probe.load(servers[row.deployment])
                parts.append(measured(row.name, run_wrk(wrk, load, run_time_s)))
            for deployment in {row.deployment for row in rows if row.probe is GIFT}:
                with servers[deployment].operator_client() as client:
                    failures = (f"{deployment.name}: {f}" for f in audit_failures(client))
                    parts.append(Measured({}, failures=tuple(failures)))
            return merged(parts, tuple(notes))

        yield repeat


NAMES = (*dict.fromkeys(row.reference.name for row in ROWS), *(row.name for row in ROWS))
BENCHMARK = Benchmark(
    name="server",
    description="server requests/s and p99 under wrk per deployment, vs a bare endpoint",
    prepare=prepare,
    units={
        **{f"{n}.requests_per_s": "requests/s" for n in NAMES},
        **{f"{n}.p99_ms": "ms" for n in NAMES},
        **{f"{n}.socket_errors": "errors" for n in NAMES},
    },
    ratios={
        **{
            f"ratio.{row.name}.throughput_vs_bare": Ratio(
                f"{row.name}.requests_per_s", f"{row.reference.name}.requests_per_s"
            )
            for row in ROWS
        },
        **{
            f"ratio.{row.name}.p99_vs_bare": Ratio(
                f"{row.name}.p99_ms", f"{row.reference.name}.p99_ms"
            )
            for row in ROWS
        },
        "ratio.timeline.2proc_vs_1proc": PROCESS_SCALING,
    },
    repeats=3,
    quick_repeats=2,
)
