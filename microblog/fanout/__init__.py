"""Fan-out on write as jobs on a queue: a pushed post waits there for its deliveries.

The queue carries any `Job` (an id and a creation time, for the lag): posts for home
timelines, and fan-service broadcasts for subscribers' service inboxes
(`microblog.services.fanservice`), each platform part with a queue of its own.

The post service submits the post itself (what travels is its id, author and creation
time, never a closure), and whoever consumes the queue delivers it to every follower's home
timeline through `Timelines.deliver`. Three queues keep one contract:

- `InlineQueue` (microblog.fanout.local): delivers inside the call. The simulator and the
  service-layer tests use it; nothing waits, nothing is lost.
- `ThreadQueue` (microblog.fanout.local): worker threads in the server process, so a big
  V's post returns before its last delivery. The server's default with the memory tier.
- `StreamQueue` (microblog.fanout.stream): a Redis stream that fan-out worker processes
  (microblog.fanout.worker) consume as one consumer group, on this machine or others.
  Used when the cache tier is Redis and the store is shared, so any process can deliver.

Delivery is idempotent (a home timeline holds a post once), so a post delivered twice,
because a worker died mid-post and another took it over, leaves every timeline as one
delivery would. That is what lets the Redis queue promise at-least-once and no more.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from microblog.cache import MEMORY
from microblog.models import Post
from microblog.services.context import Clock

Proceed = Callable[[], bool]
"""Asked before each chunk of a delivery: False stops it there (a worker shutting down)."""


class Job(Protocol):
    """What waits on a queue: its id (for the logs) and when it was made (for the lag)."""

    @property
    def id(self) -> int: ...
    @property
    def created_at(self) -> float: ...


J = TypeVar("J", bound=Job)
J_contra = TypeVar("J_contra", bound=Job, contravariant=True)

Deliver = Callable[[J, Proceed], "int | None"]
"""Deliver a job to every recipient; the recipients reached, or None when stopped early."""


def always() -> bool:
    """The `Proceed` of a delivery that nothing interrupts."""
    return True


@dataclass(frozen=True)
class FanoutReport:
    """Fan-out so far, as `/admin/stats/fanout` serves it (for a queue of fan-service
    broadcasts, read "broadcast" for "post" and "subscriber" for "follower")."""

    deliveries: int
    """Follower deliveries of the posts finished so far (a re-delivered post counts once)."""
    posts: int
    """Posts whose fan-out finished."""
    lags_s: Sequence[float]
    """Post created -> last follower delivered, for the most recent finished posts."""
    queue_depth: int | None
    """Posts waiting for a worker (None: Redis cannot tell after it trimmed unread jobs)."""
    pending: int
    """Posts a worker took and has not finished (dead workers' included, until claimed)."""
    dead_letters: int = 0
    """Jobs given up on (unreadable, or failed on every allowed attempt): see the dead stream."""


class FanoutQueue(Protocol[J_contra]):
    """Where a pushed post (or another job) waits for its deliveries."""

    def submit(self, job: J_contra) -> None:
        """Queue the job's fan-out (the job is already committed to the store)."""

    def report(self) -> FanoutReport:
        """Deliveries, lag and queue depth, as every process of the platform sees them."""

    def close(self) -> None:
        """Stop taking jobs; in-process queues finish the ones they hold first."""


FanoutQueueFactory = Callable[[Deliver[J], Clock], FanoutQueue[J]]
"""Builds a queue around a delivery (`Timelines.deliver`, `FanServices.deliver`) and the
platform's clock (the lag's clock)."""

PostQueueFactory = FanoutQueueFactory[Post]
"""The queue of posts, which any of the three queues below can be."""


def delivered_by_worker_processes(store: str, cache: str) -> bool:
    """Whether the platform's fan-out goes through Redis to worker processes: only when
    other processes can reach both its cache tier and its store (not the memory ones)."""
    return store != MEMORY and cache != MEMORY
