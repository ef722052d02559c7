"""Server settings, from `fanout serve` options or FANOUT_* environment variables."""

from __future__ import annotations

import json
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from microblog.config import PlatformConfig
from microblog.fanout.settings import FanoutQueueSettings

REQUEST_THREADS = 8
"""Default for `request_threads`, below anyio's 40: the threads that run handlers off the
event loop (every handler on PostgreSQL; on SQLite only those that wait, see
`microblog.api.offload`). The store lets one writer in at a time
(SQLite's file lock; a queue in front of it) and every thread contends for the GIL, so
threads beyond a few add no throughput: they queue for the write lock and stretch each
writer's turn, since a writer that gives up the GIL for a statement waits to get it back
from the others. Replaying the first two hours of baseline's trace at 60x (190 requests/s),
40 threads answered timeline reads at p95 390 ms and chat sends at p99 1.8 s, 8 threads at
145 ms and 310 ms (benchmarks/README.md)."""


class ServerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FANOUT_", env_nested_delimiter="__")

    store: str = Field("sqlite:///fanout.sqlite", description="'memory' or an SQLAlchemy URL.")
    cache: str = Field(
        "memory", description="'memory' (this process) or redis://HOST:PORT/DB (shared)."
    )
    cache_prefix: str = Field(
        "fanout:", min_length=1, description="Prefix of every Redis key of this platform."
    )
    platform: PlatformConfig = Field(default_factory=PlatformConfig)
    background_fanout_workers: int = Field(
        2,
        ge=0,
        description="Fan-out workers: with the memory cache tier or store, threads of the "
        "server (0 = deliver inside the request); with Redis and a shared store, worker "
        "processes that `fanout serve` starts beside the server (0 = none here: run "
        "`fanout fanout-worker` elsewhere).",
    )
    fanout_delivery: Literal["auto", "inline"] = Field(
        "auto",
        description="'auto': the rule of `background_fanout_workers`; 'inline': every post "
        "delivered inside its request whatever the tiers (tests, and a one-box debug run).",
    )
    fanout_queue: FanoutQueueSettings = Field(
        default_factory=FanoutQueueSettings,
        description="The Redis fan-out queue's waits, claims and bounds (workers read them too).",
    )
    operator_token: str | None = Field(
        None, description="Bearer token for /admin (bulk seeding, ledger audit); unset = disabled."
    )
    request_threads: int = Field(
        REQUEST_THREADS,
        ge=1,
        le=256,
        description="Threads that run synchronous handlers off the event loop at once (every "
        "handler with PostgreSQL or Redis; with SQLite only those that wait, see `handlers`); "
        "further requests wait for one. See REQUEST_THREADS.",
    )
    handlers: Literal["auto", "event_loop", "threadpool"] = Field(
        "auto",
        description="Where synchronous handlers run: 'event_loop' (no thread hop; for a "
        "store in this process), 'threadpool' (the loop serves others while a handler "
        "waits on the network), 'auto': the loop when the store (SQLite, memory) and the "
        "cache tier (memory) are in this process, else the threadpool. Handlers that wait "
        "(a gateway, a name lookup, Pillow) always use the threadpool. See "
        "microblog.api.offload.",
    )
    max_body_bytes: int = Field(65_536, ge=1024, description="Larger request bodies get 413.")
    upload_envelope_bytes: int = Field(
        65_536,
        ge=1024,
        description="What a photo upload's body may hold beyond the photo itself (multipart "
        "headers and boundaries; assumption: generous for one file part).",
    )
    media: str | None = Field(
        None,
        description="Where photo bytes are kept: a directory, or 'memory'. Unset: the data "
        "directory beside the store (`<file>.media/` beside an SQLite file), this process's "
        "memory for an in-memory store, else `fanout-media/` in the working directory.",
    )

    def handlers_on_loop(self) -> bool:
        """Whether synchronous handlers run on the event loop (`handlers`): with 'auto',
        exactly when neither the store nor the cache tier is reached over the network."""
        if self.handlers == "auto":
            store_here = (
                self.store == "memory" or make_url(self.store).get_backend_name() == "sqlite"
            )
            return store_here and self.cache == "memory"
        return self.handlers == "event_loop"

    def media_location(self) -> str:
        """The media store's location (`media`, or its default beside the store)."""
        if self.media is not None:
            return self.media
        if self.store == "memory":
            return "memory"
        if not self.store.startswith("sqlite"):
            return "fanout-media"
        database = make_url(self.store).database
        return f"{database}.media" if database and database != ":memory:" else "memory"

    def environment(self) -> dict[str, str]:
        """These settings as the FANOUT_* variables that read them back, for the processes a
        server starts (nested settings travel as JSON, so none is left behind)."""
        return {
            f"FANOUT_{name.upper()}": value if isinstance(value, str) else json.dumps(value)
            for name, value in self.model_dump(mode="json").items()
            if value is not None
        }


def require_shared_tiers(settings: ServerSettings, workers: int) -> None:
    """Refuse (ValueError) settings that cannot run in `workers` server processes.

    Each process has its own memory: a memory cache would keep connections, presence and
    cached timelines apart, and a memory store would give each process its own platform.
    """
    if workers > 1 and settings.cache == "memory":
        raise ValueError(
            f"--workers {workers} needs a shared --cache (redis://HOST:PORT/DB): with "
            "--cache memory each process would see only its own chat connections and presence"
        )
    if workers > 1 and settings.media_location() == "memory" and settings.store != "memory":
        raise ValueError(
            f"--workers {workers} needs photo bytes every process can read (--media DIR): "
            "with memory each process would hold only the photos uploaded to it"
        )
    if workers > 1 and settings.store == "memory":
        raise ValueError(
            f"--workers {workers} needs a shared --store (sqlite:///PATH or postgresql+psycopg://"
            "...): with --store memory each process would hold a platform of its own"
        )
