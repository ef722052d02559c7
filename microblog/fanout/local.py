"""Fan-out queues inside one process: inline (simulator, tests) and on worker threads (server).

Both keep their counters in this process (`FanoutStats`), which is all there is to see:
with the memory cache tier the server is one process.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Generic

from microblog.fanout import Deliver, FanoutQueueFactory, FanoutReport, J, always
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


class InlineQueue(Generic[J]):
    """Delivers inside `submit`, so the job's fan-out is done when the call returns."""

    def __init__(self, deliver: Deliver[J], clock: Clock) -> None:
        self._deliver = deliver
        self._clock = clock
        self.stats = FanoutStats()

    def submit(self, job: J) -> None:
        self._run(job)

    def _run(self, job: J) -> None:
        delivered = self._deliver(job, always)
        assert delivered is not None, "nothing stops an in-process delivery"
        self.stats.add(delivered, self._clock() - job.created_at)

    def report(self) -> FanoutReport:
        return self.stats.report()

    def close(self) -> None:
        """Nothing is ever waiting."""


class ThreadQueue(InlineQueue[J]):
    """Delivers on worker threads, so a big V's post returns before its last delivery."""

    def __init__(self, deliver: Deliver[J], clock: Clock, workers: int) -> None:
        super().__init__(deliver, clock)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fanout")
        self._lock = threading.Lock()
        self._queued = 0
        self._running = 0

    def submit(self, job: J) -> None:
        with self._lock:
            self._queued += 1
        self._pool.submit(self._run_counted, job)

    def _run_counted(self, job: J) -> None:
        self._move(queued=-1, running=1)
        try:
            self._run(job)
        except Exception:  # a thread has no caller to raise to: say so, keep the worker
            log.exception("fan-out of %s %s failed", type(job).__name__, job.id)
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


def thread_queues(workers: int) -> FanoutQueueFactory[J]:
    """A factory of `ThreadQueue`s of `workers` threads each."""

    def build(deliver: Deliver[J], clock: Clock) -> ThreadQueue[J]:
        return ThreadQueue(deliver, clock, workers)

    return build
