"""The server's own CPU per request on its hottest paths, in-process: no sockets, no wrk.

The `server` benchmark's wrk ratios are what issue 19 targets, but on a shared 2-core
machine wrk, PostgreSQL, Redis and other people's work all take the server's CPU, and its
repeats spread up to 3x. This benchmark asks only what the server spends: the app is
called through ASGI in this process (its lifespan run, seeded as the `server` benchmark
seeds it), and `time.process_time` (every thread of the process, so a threadpool hop
counts) is read around batches of requests that alternate with the same batches against
the bare app (benchmarks/bare_app.py) in the same repeat: `GET /timeline/home` (warm:
each seeded account has read its timeline once) against the bare synchronous `/bare`, and
`/healthz` against the bare `/healthz`. Lower is better; a ratio of 1.0 costs what the
bare endpoint costs (uvicorn's own per-request work, which wrk also pays, comes on top of
both, so a wrk ratio sits nearer 1 than this one).
"""

from __future__ import annotations

import secrets
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

import numpy as np
from fastapi import FastAPI
from fastapi.testclient import TestClient

from benchmarks.backends import (
    POSTGRES_ENV,
    REDIS_ENV,
    fresh_redis_prefix,
    fresh_schema,
    named_url,
)
from benchmarks.bare_app import BARE_PATH, HEALTHZ_PATH
from benchmarks.bare_app import create_app as create_bare_app
from benchmarks.runner import Benchmark, Measured, Ratio, Repeat, Skipped
from benchmarks.seeding import Population, seed_people
from microblog.ads_models import BidType, CampaignSpec, Targeting
from microblog.api.app import create_app
from microblog.api.settings import ServerSettings
from microblog.config import PlatformConfig
from microblog.models import Role
from microblog.platform import Microblog
from microblog.rate_limit_config import RateLimitConfig
from microblog.services.accounts import NewAccount

POPULATION = Population(people=50, follows_each=20, posts=500)
"""The `server` benchmark's (issue 19's) set-up."""
CAMPAIGNS = 20
FUNDS_FEN = 5_000_000
"""Each advertiser's wallet and budget: the largest seed credit (`money.max_amount_fen`)."""
"""Ad campaigns competing for the feed's slots, every third bidding per click."""
FEED_PATH = "/timeline/home/feed"
AD_LOAD = 0.1
"""The scenarios' default `economy.ads.load` (scenario/ads.py): two ads on a 20-post page."""
SEED = 20260102
BATCH = {True: 200, False: 500}
"""Requests per timed batch, quick and full."""
BATCHES = 7
"""Alternating batches per repeat; the cheapest is kept (the least disturbed by others)."""
Headers = list[tuple[bytes, bytes]]


@dataclass(frozen=True)
class Deployment:
    """The store and cache tier of one in-process app."""

    name: str
    store: str
    """'sqlite' (a file of its own), 'memory', or 'postgresql' (a schema of its own)."""
    redis: bool = False


DEPLOYMENTS = (
    Deployment("sqlite", "sqlite"),
    Deployment("memory", "memory"),
    Deployment("postgresql", "postgresql"),
    Deployment("postgresql_redis", "postgresql", redis=True),
)


def _settings(deployment: Deployment, stack: ExitStack, workdir: str) -> ServerSettings:
    store = deployment.store
    if store == "postgresql":
        store = stack.enter_context(fresh_schema(named_url(POSTGRES_ENV, "PostgreSQL")))
    elif store == "sqlite":
        store = f"sqlite:///{workdir}/{deployment.name}.sqlite"
    cache, prefix = "memory", "fanout:"
    if deployment.redis:
        cache = named_url(REDIS_ENV, "Redis")
        prefix = stack.enter_context(fresh_redis_prefix(cache))
    return ServerSettings(
        store=store,
        cache=cache,
        cache_prefix=prefix,
        platform=PlatformConfig(rate_limits=RateLimitConfig(enabled=False), ad_load=AD_LOAD),
        fanout_delivery="inline",
        operator_token=secrets.token_urlsafe(16),
        media="memory",
    )


async def _call(app: FastAPI, path: str, headers: Headers) -> None:
    """One GET through the app's ASGI interface; anything but 200 fails the benchmark."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": headers, "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }  # fmt: skip
    status: list[int] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.start":
            status.append(int(message["status"]))  # type: ignore[call-overload]

    await app(scope, receive, send)  # type: ignore[arg-type]
    if status != [200]:
        raise RuntimeError(f"GET {path} answered {status}")


Timed = Callable[[], Awaitable[float]]
"""A batch of requests whose CPU µs per request it returns."""


def _batch(app: FastAPI, path: str, people: list[Headers], size: int) -> Timed:
    async def timed() -> float:
        started = time.process_time()
        for i in range(size):
            await _call(app, path, people[i % len(people)])
        return (time.process_time() - started) / size * 1e6

    return timed


@dataclass(frozen=True)
class Served:
    """An app running (its lifespan entered) in a test client's event loop, seeded: its
    people's request headers."""

    app: FastAPI
    client: TestClient
    people: list[Headers]

    def run(self, timed: Timed) -> float:
        """A batch in the app's event loop (where its Redis connections live)."""
        assert self.client.portal is not None, "inside the client's block"
        return self.client.portal.call(timed)


def _seed_campaigns(blog: Microblog, count: int) -> None:
    """`count` funded advertisers, each running one campaign of its own post, live for
    years with budgets and frequency caps no batch exhausts (bids 30-49 yuan per mille:
    ~1.4 M impressions of the largest seed credit)."""
    seeded = blog.accounts.register_many(
        [NewAccount(f"advertiser{i}", Role.ADVERTISER) for i in range(count)]
    )
    blog.payments.seed_credits([(account.id, FUNDS_FEN) for account, _ in seeded])
    for i, (account, _) in enumerate(seeded):
        post = blog.posts.create(account.id, f"an advert, number {i}")
        spec = CampaignSpec(
            post_id=post.id, bid_type=BidType.CPC if i % 3 == 0 else BidType.CPM,
            bid=3000 + 100 * i, daily_budget=FUNDS_FEN, total_budget=FUNDS_FEN, start=0.0,
            end=4e9, frequency_cap=10**6, targeting=Targeting(),
        )  # fmt: skip
        blog.ads.create_campaign(account.id, spec)


@contextmanager
def _served(app: FastAPI, operator_token: str | None) -> Iterator[Served]:
    with TestClient(app) as client:
        client.headers["Authorization"] = f"Bearer {operator_token}"
        # Starlette's TestClient is an httpx2.Client: httpx's interface, another class.
        people = seed_people(client, np.random.default_rng(SEED), POPULATION)  # type: ignore[arg-type]
        del client.headers["Authorization"]
        _seed_campaigns(app.state.blog, CAMPAIGNS)
        served = Served(
            app, client, [[(b"authorization", f"Bearer {t}".encode())] for t in people.tokens]
        )
        served.run(_batch(app, "/timeline/home", served.people, len(served.people)))  # warm
        page = client.get(FEED_PATH, headers={"Authorization": f"Bearer {people.tokens[0]}"})
        if not any(item["kind"] == "ad" for item in page.json()["items"]):  # a full page has 2
            raise RuntimeError(f"GET {FEED_PATH} carried no ad: the probe would not measure one")
        yield served


@contextmanager
def prepare(quick: bool) -> Iterator[Repeat]:
    size = BATCH[quick]
    with ExitStack() as stack:
        workdir = stack.enter_context(tempfile.TemporaryDirectory(prefix="fanout-cpu-"))
        served: dict[str, Served] = {}
        notes: list[str] = []
        for deployment in DEPLOYMENTS:
            try:
                settings = _settings(deployment, stack, workdir)
            except Skipped as skip:
                notes.append(f"{deployment.name}: {skip}")
                continue
            app = create_app(settings)
            served[deployment.name] = stack.enter_context(_served(app, settings.operator_token))
        bare = create_bare_app()

        def repeat() -> Measured:
            values: dict[str, float] = {}
            for name, server in served.items():
                app, people = server.app, server.people
                probes = {
                    f"timeline.{name}": _batch(app, "/timeline/home", people, size),
                    f"feed.{name}": _batch(app, FEED_PATH, people, size),
                    f"bare.{name}": _batch(bare, BARE_PATH, people, size),
                    f"healthz.{name}": _batch(app, HEALTHZ_PATH, people, size),
                    f"bare_healthz.{name}": _batch(bare, HEALTHZ_PATH, people, size),
                }
                seen: dict[str, list[float]] = {key: [] for key in probes}
                for _ in range(BATCHES):
                    for key, timed in probes.items():
                        seen[key].append(server.run(timed))
                values.update({f"{key}.cpu_us": min(costs) for key, costs in seen.items()})
            return Measured(values, tuple(notes))

        yield repeat


NAMES = [d.name for d in DEPLOYMENTS]
BENCHMARK = Benchmark(
    name="server_cpu",
    description="server CPU per request in-process (ASGI, process_time), vs the bare app",
    prepare=prepare,
    units={
        f"{probe}.{name}.cpu_us": "µs"
        for probe in ("timeline", "feed", "bare", "healthz", "bare_healthz")
        for name in NAMES
    },
    ratios={
        **{
            f"ratio.timeline.{name}.cpu_vs_bare": Ratio(
                f"timeline.{name}.cpu_us", f"bare.{name}.cpu_us"
            )
            for name in NAMES
        },
        **{
            f"ratio.feed.{name}.cpu_vs_bare": Ratio(f"feed.{name}.cpu_us", f"bare.{name}.cpu_us")
            for name in NAMES
        },
        **{
            f"ratio.healthz.{name}.cpu_vs_bare": Ratio(
                f"healthz.{name}.cpu_us", f"bare_healthz.{name}.cpu_us"
            )
            for name in NAMES
        },
    },
    repeats=3,
    quick_repeats=2,
)
