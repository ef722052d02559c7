"""A platform whose fan-out goes through the Redis stream, and ways to wait on its workers."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from loadtests.control.server import python_env
from microblog.api.settings import ServerSettings
from microblog.cache import CacheTier
from microblog.config import PlatformConfig
from microblog.fanout.settings import FanoutQueueSettings
from microblog.fanout.stream import JobKind, stream_queue
from microblog.fanout.worker import run_worker
from microblog.models import Account, Role, Tier
from microblog.platform import Microblog
from microblog.push_models import ClientKind
from microblog.services.accounts import NewAccount
from microblog.store import open_store
from tests.backends import REDIS_URL, redis_cache, store_url
from tests.microblog.conftest import CHEAP_HASHING, people

WAIT_S = 60.0
"""Longest a test waits for workers to reach a state (generous: a process starting on 2
busy shared cores has been seen to take 13 s)."""
FAST_CLAIMS = FanoutQueueSettings(
    block_s=0.1,
    claim_idle_s=0.5,
    claim_every_s=0.1,
    touch_every_s=0.2,
    trim_every_s=0.2,
    retry_s=0.1,
)
"""Queue settings that take abandoned jobs over within a second, so tests stay short."""


Fan = tuple[Account, str]
"""A subscriber and the bearer token of its phone's session."""


@dataclass
class QueuePlatform:
    """A platform over a fresh store and Redis prefix, fanning out through the stream."""

    blog: Microblog
    cache: CacheTier
    store: str
    config: PlatformConfig
    queue: FanoutQueueSettings

    def settings(self) -> ServerSettings:
        """The server settings of this platform (what a worker process reads)."""
        return ServerSettings(
            store=self.store,
            cache=REDIS_URL,
            cache_prefix=self.cache.prefix,
            platform=self.config,
            fanout_queue=self.queue,
        )

    def star_with_fans(self, fans: int) -> tuple[Account, list[Account]]:
        """A star and its fans, each fan's timeline already on the cache tier (fan-out
        skips timelines the tier does not hold: their rebuild reads the store)."""
        star, *followers = people(self.blog, "star", *(f"fan{i}" for i in range(fans)))
        self.blog.graph.follow_many([(f.id, star.id) for f in followers])
        for follower in followers:
            self.home_read(follower.id)
        return star, followers

    def fan_service_with_subscribers(self, subscribers: int) -> tuple[Account, list[Fan]]:
        """A certified star whose fan service `subscribers` followers, each with a session
        on the mobile app, subscribed to."""
        blog = self.blog
        star = NewAccount("star", Role.INFLUENCER, Tier.BIG_V)
        mobile = [NewAccount(f"fan{i}", client=ClientKind.MOBILE) for i in range(subscribers)]
        (star_account, _), *fans = blog.accounts.register_many([star, *mobile])
        blog.graph.follow_many([(fan.id, star_account.id) for fan, _ in fans])
        blog.fanservice.open(star_account.id)
        for fan, _ in fans:
            blog.fanservice.subscribe(star_account.id, fan.id)
        return star_account, fans

    def inbox_broadcasts(self, subscriber: int) -> list[int]:
        """The broadcasts in the subscriber's service inbox, newest first (repeats kept)."""
        entries = self.blog.service_messages.inbox(subscriber, None, 100).items
        return [e.broadcast_id for e in entries if e.broadcast_id is not None]

    def home_ids(self, reader: int) -> list[int]:
        """What fan-out delivered to the reader's cached timeline, without a home read
        (which would rebuild a lost timeline from the store and hide a missed delivery)."""
        return self.blog.timelines.cache.page(reader, None, 100) or []

    def home_read(self, reader: int) -> list[int]:
        """The reader's home timeline as a read sees it (rebuilt when the tier lost it)."""
        return [p.id for p in self.blog.timelines.home(reader, limit=100).items]


@contextmanager
def queue_platform(
    tmp_path: Path, queue: FanoutQueueSettings = FAST_CLAIMS, **config: object
) -> Iterator[QueuePlatform]:
    """A `QueuePlatform` on SQLite (a file other processes open too) and a fresh Redis
    prefix; posts and fan-service broadcasts both go through the stream."""
    platform = PlatformConfig.model_validate({**CHEAP_HASHING, **config})
    with redis_cache() as cache, store_url("sqlite", tmp_path) as url:
        blog = Microblog(
            open_store(url),
            platform,
            fanout=stream_queue(cache, queue),
            cache=cache,
            service_fanout=stream_queue(cache, queue, JobKind.BROADCAST),
        )
        try:
            yield QueuePlatform(blog, cache, url, platform, queue)
        finally:
            blog.close()


@contextmanager
def worker_thread(platform: QueuePlatform, name: str = "test-worker") -> Iterator[threading.Event]:
    """`run_worker` on the test's own platform, in a thread, stopped after the block (or
    when the test sets the event it yields)."""
    stop = threading.Event()
    thread = threading.Thread(
        target=run_worker, args=(platform.blog, platform.queue, name, 1, stop), daemon=True
    )
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        thread.join(WAIT_S)
        assert not thread.is_alive(), "the worker did not stop"


_names = itertools.count()


def start_worker_process(
    platform: QueuePlatform, name: str | None = None
) -> subprocess.Popen[bytes]:
    """A real `fanout fanout-worker` process on the platform's store and queue."""
    command = [sys.executable, "-m", "cli", "fanout-worker"]
    command += ["--name", name or f"test-process-{os.getpid()}-{next(_names)}"]
    return subprocess.Popen(command, env=python_env(**platform.settings().environment()))


def wait_until(done: Callable[[], bool], what: str, timeout_s: float = WAIT_S) -> None:
    """Poll `done` until it holds; fail naming `what` after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while not done():
        assert time.monotonic() < deadline, f"timed out after {timeout_s} s waiting for {what}"
        time.sleep(0.02)


def stop_process(process: subprocess.Popen[bytes]) -> int:
    """SIGTERM the process and return its exit code (kill it if it ignores that)."""
    process.terminate()
    try:
        return process.wait(WAIT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise
