"""The `loadtest` section: how Locust drives the real microblog server over HTTP.

Drives `fanout loadtest`: the users and their load shape, how fast their sessions run,
and how the server is seeded before the test. What a session does is the simulator's
`behaviour` (loadtests/generator/users/session.py). The simulator does not read this section.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import model_validator

from microblog.api.settings import REQUEST_THREADS
from scenario.behaviour import Pixels
from scenario.fields import ASSUMED, Positive, Range, Section, Share, ShareRange, section, spec
from scenario.population import KWAK


class LoadStep(Section):
    """One step of the `steps` shape: hold this many users for this long."""

    users: int = spec(10, "Concurrent users during the step.", unit="users", ge=1)
    duration_s: float = spec(20.0, "How long the step lasts.", unit="s", gt=0)


class SpikeShape(Section):
    """The `spike` shape: steady at `users`, then `multiplier` times as many for a while."""

    at_s: float = spec(20.0, "When the spike starts.", unit="s", ge=0)
    duration_s: float = spec(10.0, "How long the spike lasts.", unit="s", gt=0)
    multiplier: float = spec(5.0, "Users during the spike, as a multiple of `users`.", ge=1)


class DiurnalShape(Section):
    """The `diurnal` shape: behaviour.diurnal's day, compressed, peaking at `users`."""

    day_minutes: float = spec(
        10.0, "Real minutes one simulated day is compressed into.", unit="min", gt=0
    )


DEFAULT_STEPS = [LoadStep(users=10), LoadStep(users=25), LoadStep(users=50)]


ImageKind = Literal["JPEG", "PNG"]
"""The encodings the load test's generated images come in."""


class PhotoImage(Section):
    """One kind of image the load test uploads: a generated picture (noise over a gradient,
    which compresses about as a photo does) of this format and size, encoded once per
    process and sent as often as drawn."""

    format: ImageKind = spec("JPEG", "How the image is encoded.")
    px: tuple[Pixels, Pixels] = spec((320, 240), "Width and height.", unit="px")
    weight: Positive = spec(1.0, "Relative chance that an upload is this image.")


DEFAULT_PHOTO_IMAGES = [
    PhotoImage(format="JPEG", px=(320, 240), weight=0.4),  # ~33 KB
    PhotoImage(format="JPEG", px=(800, 600), weight=0.3),  # ~200 KB
    PhotoImage(format="JPEG", px=(1600, 1200), weight=0.1),  # ~790 KB
    PhotoImage(format="PNG", px=(320, 240), weight=0.15),  # ~200 KB
    PhotoImage(format="PNG", px=(800, 600), weight=0.05),  # ~1.3 MB
]


class ServerShape(Section):
    """The deployment of the reference microblog that `fanout loadtest` starts (unless it is
    pointed at a running server with --host): one process over embedded SQLite by default,
    or production-shaped (PostgreSQL, a Redis cache tier, several server processes and
    fan-out worker processes; docs/deploy.md). Each run gets a scratch PostgreSQL schema and
    Redis key prefix of its own, dropped afterwards, so nothing is left behind."""

    store: str = spec(
        "sqlite", "'sqlite' (a fresh file in a temporary directory) or a PostgreSQL URL "
        "(postgresql+psycopg://USER@HOST/DB), in which the run makes a schema of its own.",
    )  # fmt: skip
    cache: str = spec(
        "memory", "Cache tier: 'memory' (in the server process) or redis://HOST:PORT/DB, "
        "under a key prefix of the run's own.",
    )  # fmt: skip
    workers: int = spec(
        1, "Server processes; more than one needs a Redis cache (they share timelines, "
        "presence and chat delivery through it).", unit="processes", ge=1, le=64,
    )  # fmt: skip
    fanout_workers: int = spec(
        2, "Fan-out workers: processes consuming the Redis fan-out queue with a Redis cache "
        "(at least one), threads inside the server with the memory one (0 delivers inside "
        "the request).",
        unit="workers", ge=0, le=64,
    )  # fmt: skip

    request_threads: int = spec(
        REQUEST_THREADS, "Threads running handlers off the event loop at once in each server "
        "process (fanout serve --request-threads; which handlers: `handlers`): SQLite lets "
        "one writer in at a time and every "
        "thread contends for the GIL, so more threads only queue; measured in "
        "benchmarks/README.md (issue 18).",
        unit="threads", ge=1, le=256,
    )  # fmt: skip
    handlers: Literal["auto", "event_loop", "threadpool"] = spec(
        "auto", "Where the server runs its synchronous handlers (fanout serve --handlers): "
        "'auto' runs them on the event loop with SQLite and the memory cache (no thread "
        "hop, no contention for the GIL; measured in benchmarks/README.md, issue 18) and "
        "on the threadpool with PostgreSQL or Redis.",
    )  # fmt: skip

    @model_validator(mode="after")
    def _processes_share_a_cache(self) -> ServerShape:
        if self.store != "sqlite" and not self.store.startswith("postgresql"):
            raise ValueError(
                f"store must be 'sqlite' or a postgresql+psycopg:// URL, got {self.store!r}"
            )
        if self.cache != "memory" and not self.cache.startswith(("redis://", "rediss://")):
            raise ValueError(f"cache must be 'memory' or a redis:// URL, got {self.cache!r}")
        if self.fanout_workers == 0 and self.cache != "memory":
            raise ValueError(
                "fanout_workers 0 with a Redis cache leaves the fan-out queue to workers "
                "started elsewhere, and a load test starts none: give it 1 or more"
            )
        if self.workers > 1 and self.cache == "memory":
            raise ValueError(
                f"workers {self.workers} needs a shared cache: set cache to a redis:// URL "
                "(server processes share timelines, presence and chat delivery through it)"
            )
        return self


class LoadtestConfig(Section):
    """Locust users, load shape, session pace and server seeding."""

    RENAMED: ClassVar[dict[str, str]] = {"rate_rps": "rate_actions_per_s"}
    """Former field names, refused with their new name (scenario.explain.unknown_field)."""

    users: int = spec(50, "Concurrent users (the peak, for shaped loads).", unit="users", ge=1)
    spawn_rate: float = spec(10.0, "Users started per second.", unit="users/s", gt=0)
    run_time_s: float = spec(60.0, "Length of the test, warm-up included.", unit="s", gt=0)
    warmup_s: float = spec(
        10.0, "Seconds at the start of the test left out of the latency percentiles, "
        "throughput and work per request (chat, payment and ledger checks still cover the "
        "whole run). Users spawn, open their WebSockets and meet cold caches first: on the "
        "reference server, 20 users started at 10/s saw 2–3 times the steady mean latency in "
        "the first 3 s; the default leaves the default 50 users (5 s to start) as long again "
        "to settle.",
        unit="s", ge=0,
    )  # fmt: skip
    shape: Literal["constant", "steps", "spike", "diurnal"] = spec(
        "constant", "How the number of users changes over the test."
    )
    steps: list[LoadStep] = spec(DEFAULT_STEPS, "Steps of the `steps` shape, in order.")
    spike: SpikeShape = section(SpikeShape, "Parameters of the `spike` shape.")
    diurnal: DiurnalShape = section(DiurnalShape, "Parameters of the `diurnal` shape.")
    rate_actions_per_s: float | None = spec(
        None, "Open model: target rate of user actions (one Locust task each: a user's "
        "session of several requests with think time between them; not requests), split "
        "over `users`. Each user keeps a schedule; how late actions start is reported as "
        "loadgen.lag.*, and latency.* counts from each action's intended start "
        "(response.* from the actual send). Null lets users run closed-loop.",
        unit="actions/s", gt=0,
    )  # fmt: skip
    wait_s: Range = spec(
        (0.5, 2.0), "Pause between two sessions of a user (closed model), drawn uniformly.",
        unit="s",
    )  # fmt: skip
    think_time_scale: float = spec(
        0.05, "Multiplies behaviour.think_time_s, the mean (exponential) pause between two "
        "calls of a session, in the load test only: a test of a minute or two must finish "
        "many sessions (at the default 10 s a session of ten calls takes 100 s); 1 thinks as "
        "long as the simulated users. Think time spaces a session's calls but does not change "
        "which calls it makes, so the request mix stays the simulator's.",
        unit="x", source=ASSUMED, gt=0,
    )  # fmt: skip
    photo_images: list[PhotoImage] = spec(
        DEFAULT_PHOTO_IMAGES, "The images photo uploads carry, one drawn per upload by "
        "weight: small, medium and large JPEGs and PNGs (the service checks and thumbnails "
        "each; a PNG of the same size is bigger and costs more to thumbnail). Load test only: "
        "the simulator uploads one small JPEG, behaviour.photos.image_px, as its bytes stay "
        "in its memory. media.bytes_stored and media.egress_bytes are of this mix.",
        source="assumption: phone photos resized by the client, a few screenshots",
        min_length=1,
    )  # fmt: skip
    replay_answer_s: float = spec(
        1.0, "A replay (fanout loadtest --replay) sends each traced action when it falls "
        "due from a pool of users, each waiting for its answer before taking the next; the "
        "pool holds the trace's peak actions per real second times this many seconds (and "
        "at least `users`), so an action is held up by the pool only when answers take "
        "longer than this at the peak. A pool of the default 50 users replaying baseline at "
        "60x (348 actions/s in its busiest hour) fell behind by up to 4.7 s whenever "
        "answers slowed, and that lag, counted in every latency, was most of it.",
        unit="s", source=ASSUMED, gt=0,
    )  # fmt: skip
    processes: int = spec(1, "Locust worker processes.", unit="processes", ge=1)
    seed_users: int = spec(
        1000, "Accounts created on the server before the test.", unit="accounts", ge=2
    )
    big_v_followers: int = spec(
        500, "Followers given to one seeded big V account.", unit="accounts", ge=0
    )
    influencers: int = spec(
        10, "Seeded influencer (medium V) accounts besides the big V; the influencer user "
        "posts as them and the big V in turn.", unit="accounts", ge=0,
    )  # fmt: skip
    influencer_follower_share: ShareRange = spec(
        (0.02, 0.1), "Each seeded influencer is followed by this share of the seeded accounts, "
        "drawn uniformly in [low, high].", unit="share of accounts",
    )  # fmt: skip
    mean_followees: float = spec(
        20.0, "Mean further accounts each seeded account follows (Poisson), picked by "
        "heavy-tailed popularity.", unit="accounts", gt=0,
    )  # fmt: skip
    follower_exponent: float = spec(
        2.276, "Power-law exponent of seeded accounts' follower counts.", source=KWAK, gt=1
    )
    friend_neighbours: int = spec(
        2, "Each seeded ordinary account is made a friend (mutual follow) of the next this many "
        "ordinary accounts, round a ring, so it has twice as many friends; sessions running at "
        "once act as neighbouring accounts, so they have friends online to chat with.",
        unit="accounts", ge=0,
    )  # fmt: skip
    warm_timelines: bool = spec(
        True, "Rebuild every seeded account's home timeline on the server's cache tier "
        "before the test (POST /admin/timelines/rebuild), so the test reads timelines as "
        "the simulator does, from a platform whose cache tier holds them (a production one "
        "is warm). False leaves each to be rebuilt from the store on its owner's first read "
        "in the test: a cold cache tier, as after a Redis flush or a restart, which on the "
        "reference server cost ~7-10 % of its CPU over a replayed baseline day "
        "(benchmarks/README.md).",
    )  # fmt: skip
    chat_http_share: Share = spec(
        0.5, "Share of chat messages sent with HTTP `POST /chat/messages`; the rest go over "
        "the WebSocket.",
    )  # fmt: skip
    retry_share: Share = spec(
        0.1, "Share of payment calls deliberately sent twice with the same idempotency key."
    )
    wallet_credit_coins: float = spec(
        10_000.0, "Coins credited to each seeded ordinary account's wallet before the test, "
        "so payments do not overdraw it.", unit="coins", gt=0, le=50_000,
    )  # fmt: skip
    server: ServerShape = section(
        ServerShape, "The server the test starts: store, cache tier and processes."
    )
    merchants: int = spec(
        5, "Seeded merchant accounts, each with a shop of economy.commerce.products_per_merchant "
        "products (on average) priced by economy.commerce.", unit="accounts", ge=1, le=1000,
    )  # fmt: skip

    @model_validator(mode="after")
    def _shape_fits(self) -> LoadtestConfig:
        if self.shape == "steps" and not self.steps:
            raise ValueError("shape 'steps' needs at least one entry in `steps`")
        if self.shape == "spike" and self.spike.at_s >= self.run_time_s:
            raise ValueError("spike.at_s must be before run_time_s")
        if self.big_v_followers >= self.seed_users:
            raise ValueError("big_v_followers must be below seed_users")
        if 1 + self.influencers >= self.seed_users:
            raise ValueError("the big V and influencers must leave ordinary seed_users")
        if self.warmup_s >= self.run_time_s:
            raise ValueError(
                f"warmup_s ({self.warmup_s:g} s) must be shorter than run_time_s "
                f"({self.run_time_s:g} s), or nothing is measured: lower loadtest.warmup_s"
            )
        return self
