"""The fan-out queue in Redis: one stream of jobs, consumed by fan-out workers as one group.

A job is a pushed post (for followers' home timelines) or a fan-service broadcast (for
subscribers' service inboxes), each one XADD naming its kind; workers
(microblog.fanout.worker) take jobs with XREADGROUP, deliver them and XACK them. A job
taken by a worker that died stays pending and another worker claims it after
`claim_idle_s` (XAUTOCLAIM): at-least-once, made harmless by idempotent delivery. The
stream is bounded twice: workers trim acknowledged jobs, and XADD caps it (MAXLEN ~) in
case no worker runs at all.

Why Redis Streams and not RabbitMQ or NATS (both run on this machine): a platform that
spreads over several processes already needs the Redis cache tier, so the queue adds no
server to deploy, watch or lose; consumer groups give exactly the semantics needed
(pending entries, claiming, acknowledgement) and the finishing worker records the post's
lag in the same Redis, atomically with its acknowledgement. A broker of its own would buy
routing and durability guarantees fan-out does not need, since a lost job costs a rebuild
of derived timelines, never data.

Counters every process reads alike live beside the stream, a hash (deliveries, jobs
finished) and a capped list of recent lags per kind, so posts' `fanout.lag` never mixes with
broadcasts'; the backlog and the dead letters (a count in the posts' hash) are the queue's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic

from redis.exceptions import RedisError, ResponseError

from microblog.cache import CacheTier
from microblog.fanout import Deliver, FanoutQueueFactory, FanoutReport, J
from microblog.fanout.settings import FanoutQueueSettings
from microblog.services.context import Clock

if TYPE_CHECKING:
    from redis import Redis

log = logging.getLogger(__name__)

GROUP = "fanout-workers"
"""The one consumer group: every worker of the platform shares its jobs."""


class JobKind(StrEnum):
    """What a job delivers, and so which store table a worker loads it from."""

    POST = "post"
    """A post, to its author's followers' home timelines (`Timelines.deliver`)."""
    BROADCAST = "broadcast"
    """A fan-service broadcast, to its subscribers' service inboxes (`FanServices.deliver`)."""


@dataclass(frozen=True)
class StreamKeys:
    """The Redis keys of one platform's queue, under its cache tier's prefix, with the
    counters and lags of one kind of job (posts' are the queue's own, as before
    broadcasts shared it)."""

    jobs: str
    dead: str
    counters: str
    lags: str

    @classmethod
    def of(cls, cache: CacheTier, kind: JobKind = JobKind.POST) -> StreamKeys:
        tally = ("fanout",) if kind is JobKind.POST else ("fanout", kind.value)
        return cls(
            cache.key("fanout", "jobs"),
            cache.key("fanout", "dead"),
            cache.key(*tally, "counters"),
            cache.key(*tally, "lags"),
        )


@dataclass(frozen=True)
class FanoutJob:
    """What a stream entry says: which post or broadcast to deliver, created when (the lag)."""

    kind: JobKind
    id: int
    created_at: float

    def fields(self) -> dict[str, str]:
        return {"kind": self.kind.value, "id": str(self.id), "created": repr(self.created_at)}

    @classmethod
    def parse(cls, fields: dict[bytes, bytes]) -> FanoutJob:
        """The job an entry holds; ValueError naming what is wrong when it holds none."""
        try:
            kind = JobKind(fields[b"kind"].decode())
            return cls(kind, int(fields[b"id"]), float(fields[b"created"]))
        except (KeyError, ValueError) as error:
            raise ValueError(f"not a fan-out job: {fields!r} ({error!r})") from None


def ensure_group(redis: Redis, keys: StreamKeys) -> None:
    """Create the stream and its group if missing (after a FLUSH too); from the stream's
    start, so jobs added before the first worker came are read as well."""
    try:
        redis.xgroup_create(keys.jobs, GROUP, id="0", mkstream=True)
    except ResponseError as error:
        if "BUSYGROUP" not in str(error):
            raise


class StreamQueue(Generic[J]):
    """The server's side of the queue for one kind of job: it adds jobs and reads the
    shared counters."""

    def __init__(self, cache: CacheTier, settings: FanoutQueueSettings, kind: JobKind) -> None:
        assert cache.redis is not None, "the stream queue lives in a Redis cache tier"
        self.redis = cache.redis
        self.kind = kind
        self.keys = StreamKeys.of(cache, kind)
        self.queue_counters = StreamKeys.of(cache).counters
        self.settings = settings
        ensure_group(self.redis, self.keys)

    def submit(self, job: J) -> None:
        """Add the job. Its post or broadcast is committed already: if Redis fails now, a
        post reaches its followers' timelines when they are rebuilt and a broadcast stays
        pending in its account's statistics, so say so and go on."""
        try:
            self.redis.xadd(
                self.keys.jobs,
                FanoutJob(self.kind, job.id, job.created_at).fields(),  # type: ignore[arg-type]
                maxlen=self.settings.max_backlog,
                approximate=True,
            )
        except RedisError as error:
            log.warning("fan-out of %s %s not queued (%s)", self.kind, job.id, error)

    def report(self) -> FanoutReport:
        """This kind's deliveries, jobs and lags, with the whole queue's backlog and dead
        letters (posts and broadcasts share the stream)."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.hgetall(self.keys.counters)
        pipe.lrange(self.keys.lags, 0, -1)
        pipe.xlen(self.keys.jobs)
        pipe.hget(self.queue_counters, "dead_letters")
        counters, lags, length, dead_letters = pipe.execute()
        queue_depth, pending = self._backlog(int(length))
        return FanoutReport(
            deliveries=int(counters.get(b"deliveries", 0)),
            posts=int(counters.get(b"posts", 0)),
            lags_s=[float(lag) for lag in lags],
            queue_depth=queue_depth,
            pending=pending,
            dead_letters=int(dead_letters or 0),
        )

    def _backlog(self, length: int) -> tuple[int | None, int]:
        """Jobs no worker has read yet, and jobs read but not acknowledged."""
        try:
            groups: list[dict[str, Any]] = self.redis.xinfo_groups(self.keys.jobs)  # type: ignore[assignment]
        except ResponseError:  # no stream (flushed, nothing queued since): nothing waits
            return 0, 0
        group = next((g for g in groups if g["name"] == GROUP.encode()), None)
        if group is None:  # flushed, then a job came before any worker re-made the group
            return length, 0
        lag = group["lag"]
        return (None if lag is None else int(lag)), int(group["pending"])

    def close(self) -> None:
        """Nothing held here: jobs wait in Redis for the workers."""


def stream_queue(
    cache: CacheTier, settings: FanoutQueueSettings, kind: JobKind = JobKind.POST
) -> FanoutQueueFactory[J]:
    """A factory of the server's queue of `kind`: workers in other processes deliver, not
    the server (so the delivery it is built around goes unused here)."""

    def build(deliver: Deliver[J], clock: Clock) -> StreamQueue[J]:
        return StreamQueue(cache, settings, kind)

    return build
