"""The fan-out queue in Redis: one stream of jobs, consumed by fan-out workers as one group.

A pushed post is one XADD; workers (microblog.fanout.worker) take jobs with XREADGROUP,
deliver them and XACK them. A job taken by a worker that died stays pending and another
worker claims it after `claim_idle_s` (XAUTOCLAIM): at-least-once, made harmless by
idempotent delivery. The stream is bounded twice: workers trim acknowledged jobs, and XADD
caps it (MAXLEN ~) in case no worker runs at all.

Why Redis Streams and not RabbitMQ or NATS (both run on this machine): a platform that
spreads over several processes already needs the Redis cache tier, so the queue adds no
server to deploy, watch or lose; consumer groups give exactly the semantics needed
(pending entries, claiming, acknowledgement) and the finishing worker records the post's
lag in the same Redis, atomically with its acknowledgement. A broker of its own would buy
routing and durability guarantees fan-out does not need, since a lost job costs a rebuild
of derived timelines, never data.

Counters every process reads alike live beside the stream: a hash (deliveries, posts, dead
letters) and a capped list of recent lags.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError, ResponseError

from microblog.cache import CacheTier
from microblog.fanout import Deliver, FanoutReport, PostQueueFactory
from microblog.fanout.settings import FanoutQueueSettings
from microblog.models import Post
from microblog.services.context import Clock

if TYPE_CHECKING:
    from redis import Redis

log = logging.getLogger(__name__)

GROUP = "fanout-workers"
"""The one consumer group: every worker of the platform shares its jobs."""


@dataclass(frozen=True)
class StreamKeys:
    """The Redis keys of one platform's queue, under its cache tier's prefix."""

    jobs: str
    dead: str
    counters: str
    lags: str

    @classmethod
    def of(cls, cache: CacheTier) -> StreamKeys:
        return cls(*(cache.key("fanout", part) for part in ("jobs", "dead", "counters", "lags")))


@dataclass(frozen=True)
class FanoutJob:
    """What a stream entry says: which post to deliver, by whom, created when (for the lag)."""

    post_id: int
    author_id: int
    created_at: float

    @classmethod
    def of(cls, post: Post) -> FanoutJob:
        return cls(post.id, post.author_id, post.created_at)

    def fields(self) -> dict[str, str]:
        return {
            "post": str(self.post_id),
            "author": str(self.author_id),
            "created": repr(self.created_at),
        }

    @classmethod
    def parse(cls, fields: dict[bytes, bytes]) -> FanoutJob:
        """The job an entry holds; ValueError naming what is wrong when it holds none."""
        try:
            return cls(int(fields[b"post"]), int(fields[b"author"]), float(fields[b"created"]))
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


class StreamQueue:
    """The server's side of the queue: it adds jobs and reads the shared counters."""

    def __init__(self, cache: CacheTier, settings: FanoutQueueSettings) -> None:
        assert cache.redis is not None, "the stream queue lives in a Redis cache tier"
        self.redis = cache.redis
        self.keys = StreamKeys.of(cache)
        self.settings = settings
        ensure_group(self.redis, self.keys)

    def submit(self, post: Post) -> None:
        """Add the post's job. The post is committed already: if Redis fails now, the post
        stays and reaches its followers' timelines when they are rebuilt, so say so and go on."""
        try:
            self.redis.xadd(
                self.keys.jobs,
                FanoutJob.of(post).fields(),  # type: ignore[arg-type]
                maxlen=self.settings.max_backlog,
                approximate=True,
            )
        except RedisError as error:
            log.warning(
                "fan-out of post %s not queued (%s): rebuild timelines to add it", post.id, error
            )

    def report(self) -> FanoutReport:
        pipe = self.redis.pipeline(transaction=False)
        pipe.hgetall(self.keys.counters)
        pipe.lrange(self.keys.lags, 0, -1)
        pipe.xlen(self.keys.jobs)
        counters, lags, length = pipe.execute()
        queue_depth, pending = self._backlog(int(length))
        return FanoutReport(
            deliveries=int(counters.get(b"deliveries", 0)),
            posts=int(counters.get(b"posts", 0)),
            lags_s=[float(lag) for lag in lags],
            queue_depth=queue_depth,
            pending=pending,
            dead_letters=int(counters.get(b"dead_letters", 0)),
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


def stream_queue(cache: CacheTier, settings: FanoutQueueSettings) -> PostQueueFactory:
    """A factory of the server's queue: workers in other processes deliver, not the server."""

    def build(deliver: Deliver[Post], clock: Clock) -> StreamQueue:
        return StreamQueue(cache, settings)

    return build
