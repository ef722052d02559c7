"""A fan-out worker: takes jobs off the Redis stream, delivers them, acknowledges them.

Each consumer (one per `--concurrency`, a thread each, one consumer of the group each)
loops: claim a job abandoned by a dead worker if one is due, else read a new one; load the
post or fan-service broadcast from the store; deliver it chunk by chunk (to home timelines
or to service inboxes, each idempotent); then acknowledge it and record its lag with its
kind's counters in one Lua script, so a job delivered twice is counted once (only the
first XACK counts).

- A consumer first re-reads its own pending jobs, so a worker restarted under the same
  name resumes where it died instead of waiting to claim its own work.
- Between chunks a consumer touches its job (XCLAIM to itself, JUSTID), so a big V's post
  that takes longer than `claim_idle_s` is not claimed from a live worker.
- Stopping (SIGTERM, SIGINT, the parent gone) finishes the current chunk and leaves the
  rest of the post pending; another worker claims it and delivers it again, idempotently.
- Poison: a job whose post is gone or deleted (or whose broadcast is gone) is acknowledged
  undelivered; an unreadable entry, or one handed out more than `max_attempts` times (it
  failed or killed its worker each time), moves to the dead-letter stream. Nothing blocks
  the jobs behind it.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError, ResponseError

from microblog.fanout import Proceed
from microblog.fanout.settings import FanoutQueueSettings
from microblog.fanout.stream import GROUP, FanoutJob, JobKind, StreamKeys, ensure_group
from microblog.platform import Microblog

if TYPE_CHECKING:
    from redis import Redis

log = logging.getLogger(__name__)

Entry = tuple[bytes, "dict[bytes, bytes] | None"]
"""A stream entry as redis-py reads it (fields None: the entry was trimmed meanwhile)."""

FINISH = """
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[2], 'deliveries', ARGV[3])
redis.call('HINCRBY', KEYS[2], 'posts', 1)
redis.call('LPUSH', KEYS[3], ARGV[4])
redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[5]) - 1)
return 1
"""
"""Acknowledge a delivered job and, if this was its first acknowledgement, count it."""

BURY = """
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'entry', ARGV[2], 'reason', ARGV[4])
redis.call('HINCRBY', KEYS[3], 'dead_letters', 1)
return 1
"""
"""Acknowledge a job given up on and keep it, with the reason, in the dead-letter stream."""


SWEPT = b"0-0"
"""XAUTOCLAIM's cursor at the start of the pending jobs, and after a sweep went round."""


def _stream_gone(error: Exception) -> bool:
    """Whether Redis lost the stream or its group (a FLUSH): making them again is the fix."""
    signs = ("NOGROUP", "no such key", "no longer exists")
    return isinstance(error, ResponseError) and any(sign in str(error) for sign in signs)


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def _after(entry_id: bytes) -> str:
    """The smallest stream id after `entry_id` (ids are `milliseconds-sequence`)."""
    ms, _, seq = entry_id.decode().partition("-")
    return f"{ms}-{int(seq) + 1}"


@dataclass
class Consumer:
    """One consumer of the group: handles one job at a time until `stop` is set."""

    blog: Microblog
    settings: FanoutQueueSettings
    name: str
    stop: threading.Event
    own_backlog: bytes | None = b"0"
    """Where re-reading this consumer's own pending jobs stands (None: done)."""
    claim_cursor: bytes = SWEPT
    next_claim: float = 0.0
    next_trim: float = 0.0
    next_touch: float = 0.0

    def __post_init__(self) -> None:
        cache = self.blog.ctx.cache
        assert cache.redis is not None, "fan-out workers need the Redis cache tier"
        self.redis: Redis = cache.redis
        self.keys = StreamKeys.of(cache)
        self.tallies = {kind: StreamKeys.of(cache, kind) for kind in JobKind}
        self.finish_script = self.redis.register_script(FINISH)
        self.bury_script = self.redis.register_script(BURY)

    def run(self) -> None:
        """Handle jobs until stopped; survive Redis or the store failing for a while."""
        while not self.stop.is_set():
            try:
                self.step()
            except Exception as error:
                if not (_stream_gone(error) and self.regroup()):
                    log.exception("fan-out consumer %s failed; retrying", self.name)
                    self.stop.wait(self.settings.retry_s)

    def regroup(self) -> bool:
        """Make the stream and its group again after a FLUSH; False if Redis refuses."""
        try:
            ensure_group(self.redis, self.keys)
        except RedisError:
            return False
        return True

    def step(self) -> None:
        """Handle at most one job: an abandoned one when a claim is due, else the next."""
        now = time.monotonic()
        if now >= self.next_trim:
            self.trim_acknowledged()
            self.next_trim = now + self.settings.trim_every_s
        claimed = self.claim(now) if now >= self.next_claim else None
        if claimed is None:
            for entry_id, fields in self.read():
                self.handle(entry_id, fields)
            return
        entry_id, fields, handed_out = claimed
        if handed_out > self.settings.max_attempts:
            self.bury(entry_id, f"handed out {handed_out} times without finishing")
        else:
            self.handle(entry_id, fields)

    def read(self) -> list[Entry]:
        """This consumer's own pending jobs first (a restart), then one new job."""
        start = self.own_backlog or b">"
        block = None if self.own_backlog else _ms(self.settings.block_s)
        reply: Any = self.redis.xreadgroup(
            GROUP, self.name, {self.keys.jobs: start}, count=1, block=block
        )
        entries: list[Entry] = reply[0][1] if reply else []
        if self.own_backlog is not None:
            self.own_backlog = entries[-1][0] if entries else None
        return entries

    def claim(self, now: float) -> tuple[bytes, dict[bytes, bytes] | None, int] | None:
        """One job idle for `claim_idle_s` (its worker died), and times handed out so far.

        Claims sweep the pending jobs from a cursor, a few per call; the next sweep waits
        `claim_every_s` once one has come round finding nothing.
        """
        reply: Any = self.redis.xautoclaim(
            self.keys.jobs,
            GROUP,
            self.name,
            _ms(self.settings.claim_idle_s),
            start_id=self.claim_cursor,
            count=1,
        )
        self.claim_cursor = reply[0]
        if not reply[1]:
            if self.claim_cursor == SWEPT:
                self.next_claim = now + self.settings.claim_every_s
            return None
        entry_id, fields = reply[1][0]
        pending: Any = self.redis.xpending_range(
            self.keys.jobs, GROUP, entry_id, entry_id, 1, consumername=self.name
        )
        return entry_id, fields, int(pending[0]["times_delivered"]) if pending else 1

    def handle(self, entry_id: bytes, fields: dict[bytes, bytes] | None) -> None:
        try:
            job = FanoutJob.parse(fields or {})
        except ValueError as error:
            self.bury(entry_id, str(error))
            return
        try:
            self.deliver(entry_id, job)
        except Exception:  # left pending: claimed and retried after claim_idle_s
            log.exception("fan-out of %s %s (entry %s) failed", job.kind, job.id, entry_id)

    def deliver(self, entry_id: bytes, job: FanoutJob) -> None:
        delivery = self.delivery(job)
        if delivery is None:  # nothing to show anyone: done
            self.redis.xack(self.keys.jobs, GROUP, entry_id)
            return
        self.next_touch = time.monotonic() + self.settings.touch_every_s
        delivered = delivery(lambda: self.proceed(entry_id))
        if delivered is None:  # stopping: the job stays pending for another worker
            return
        lag_s = self.blog.ctx.clock() - job.created_at
        tally = self.tallies[job.kind]
        keys = [self.keys.jobs, tally.counters, tally.lags]
        args: list[str | bytes | int] = [
            GROUP,
            entry_id,
            delivered,
            repr(lag_s),
            self.settings.lag_window,
        ]
        self.finish_script(keys=keys, args=args)

    def delivery(self, job: FanoutJob) -> Callable[[Proceed], int | None] | None:
        """The delivery of the job's post or broadcast as it stands in the store; None when
        there is nothing to deliver (the post was deleted, or either is gone)."""
        with self.blog.store.read() as tx:
            if job.kind is JobKind.BROADCAST:
                broadcast = tx.fanservice.get_broadcast(job.id)
                fanservice = self.blog.fanservice
                return None if broadcast is None else partial(fanservice.deliver, broadcast)
            post = tx.posts.get(job.id)
        if post is None or post.deleted:
            return None
        return partial(self.blog.timelines.deliver, post)

    def proceed(self, entry_id: bytes) -> bool:
        """Asked between chunks: stop if stopping, else keep the job marked as in hand."""
        if self.stop.is_set():
            return False
        if time.monotonic() >= self.next_touch:
            self.redis.xclaim(self.keys.jobs, GROUP, self.name, 0, [entry_id], justid=True)
            self.next_touch = time.monotonic() + self.settings.touch_every_s
        return True

    def bury(self, entry_id: bytes, reason: str) -> None:
        log.warning("fan-out job %s moved to the dead letters: %s", entry_id, reason)
        keys = [self.keys.jobs, self.keys.dead, self.keys.counters]
        self.bury_script(keys=keys, args=[GROUP, entry_id, self.settings.dead_letters_kept, reason])

    def trim_acknowledged(self) -> None:
        """Drop the jobs every consumer is done with: those before the oldest pending one,
        or, with none pending, up to the last one handed out (XTRIM MINID ~)."""
        groups: Any = self.redis.xinfo_groups(self.keys.jobs)
        group = next((g for g in groups if g["name"] == GROUP.encode()), None)
        if group is None:
            return
        summary: Any = self.redis.xpending(self.keys.jobs, GROUP)
        oldest = summary["min"] if summary["pending"] else _after(group["last-delivered-id"])
        self.redis.xtrim(self.keys.jobs, minid=oldest, approximate=True)


def consumer_names(name: str, concurrency: int) -> list[str]:
    """One consumer name per thread: the worker's own name when it runs one."""
    return [name] if concurrency == 1 else [f"{name}/{i}" for i in range(concurrency)]


def run_worker(
    blog: Microblog,
    settings: FanoutQueueSettings,
    name: str,
    concurrency: int,
    stop: threading.Event,
    parent_pid: int | None = None,
) -> None:
    """Consume the platform's fan-out queue on `concurrency` threads until `stop` is set
    (or the process `parent_pid` is gone), then let go of the consumers with nothing pending."""
    cache = blog.ctx.cache
    assert cache.redis is not None, "fan-out workers need the Redis cache tier"
    ensure_group(cache.redis, StreamKeys.of(cache))
    names = consumer_names(name, concurrency)
    threads = [
        threading.Thread(target=Consumer(blog, settings, n, stop).run, name=f"fanout {n}")
        for n in names
    ]
    for thread in threads:
        thread.start()
    log.info("fan-out worker %s: %d consumer(s) on %s", name, concurrency, cache.key("fanout"))
    while not stop.wait(settings.block_s):
        if parent_pid is not None and os.getppid() != parent_pid:
            log.warning("fan-out worker %s: its parent %s is gone, stopping", name, parent_pid)
            stop.set()
    for thread in threads:
        thread.join()
    log.info("fan-out worker %s stopped", name)
    try:
        _forget_idle_consumers(cache.redis, StreamKeys.of(cache), names)
    except RedisError as error:  # only tidiness is lost: the names stay in the group
        log.warning("fan-out worker %s could not leave the group: %s", name, error)


def _forget_idle_consumers(redis: Redis, keys: StreamKeys, names: list[str]) -> None:
    """Remove this worker's consumers from the group unless they still hold jobs (deleting
    those would make their jobs unclaimable), so the group does not fill with dead names."""
    consumers: Any = redis.xinfo_consumers(keys.jobs, GROUP)
    holding = {c["name"].decode() for c in consumers if c["pending"]}
    for consumer in set(names) - holding:
        redis.xgroup_delconsumer(keys.jobs, GROUP, consumer)


def stop_on_signals(stop: threading.Event) -> None:
    """SIGTERM and SIGINT set `stop`: the worker finishes its current chunk, then exits."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
