"""Fan-out queues inside one process: inline (simulator, tests) and on worker threads (server).

Both keep their counters in this process (`FanoutStats`), which is all there is to see:
with the memory cache tier the server is one process.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor

from microblog.fanout import Deliver, FanoutReport, always
from microblog.models import Post
from microblog.services.context import Clock

log = logging.getLogger(__name__)

LAG_WINDOW = 100_000
"""Recent posts whose lag is kept for the percentiles (assumption: a load test's posts fit)."""


class FanoutStats:
    """Deliveries done and the lag (post created -> last follower delivered) of recent posts."""

    def __init__(self, keep: int = LAG_WINDOW) -> None:
        self._lock = threading.Lock()
        self.deliveries = 0
        self.posts = 0
        self.lags_s: deque[float] = deque(maxlen=keep)

    def add(self, deliveries: int, lag_s: float) -> None:
        with self._lock:
            self.deliveries += deliveries
            self.posts += 1
            self.lags_s.append(lag_s)

    def report(self, queue_depth: int = 0, pending: int = 0) -> FanoutReport:
        with self._lock:
            return FanoutReport(
                self.deliveries, self.posts, list(self.lags_s), queue_depth, pending
            )


class InlineQueue:
    """Delivers inside `submit`, so the post's fan-out is done when the call returns."""

    def __init__(self, deliver: Deliver, clock: Clock) -> None:
        self._deliver = deliver
        self._clock = clock
        self.stats = FanoutStats()

    def submit(self, post: Post) -> None:
        self._run(post)

    def _run(self, post: Post) -> None:
        delivered = self._deliver(post, always)
        assert delivered is not None, "nothing stops an in-process delivery"
        self.stats.add(delivered, self._clock() - post.created_at)

    def report(self) -> FanoutReport:
        return self.stats.report()

    def close(self) -> None:
        """Nothing is ever waiting."""


class ThreadQueue(InlineQueue):
    """Delivers on worker threads, so a big V's post returns before its last delivery."""

    def __init__(self, deliver: Deliver, clock: Clock, workers: int) -> None:
        super().__init__(deliver, clock)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fanout")
        self._lock = threading.Lock()
        self._queued = 0
        self._running = 0

    def submit(self, post: Post) -> None:
        with self._lock:
            self._queued += 1
        self._pool.submit(self._run_counted, post)

    def _run_counted(self, post: Post) -> None:
        self._move(queued=-1, running=1)
        try:
            self._run(post)
        except Exception:  # a thread has no caller to raise to: say so, keep the worker
            log.exception("fan-out of post %s failed", post.id)
        finally:
            self._move(running=-1)

    def _move(self, queued: int = 0, running: int = 0) -> None:
        with self._lock:
            self._queued += queued
            self._running += running

    def report(self) -> FanoutReport:
        with self._lock:
            queued, running = self._queued, self._running
        return self.stats.report(queued, running)

    def close(self) -> None:
        """Finish every queued post first: a stopping server delivers what it accepted."""
        self._pool.shutdown(wait=True)
