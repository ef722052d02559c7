"""A queueing station: `c` identical servers, one FIFO queue, exact statistics.

The station prices nothing and draws no randomness: a caller hands it a service time
(already sampled) and it delays the job by the queue wait plus that time. FIFO on identical
servers needs no queue of waiting processes: a job arriving at `t` starts when the
earliest of the servers' free times allows (Kiefer–Wolfowitz), so the station keeps a heap
of those free times and `admit` knows a job's start and end the moment it arrives. A job
then costs one SimPy timeout, until its end (`serve` in a process, or the caller's own
timeout before `release`), a third of what `simpy.Resource` costs (request, grant,
release); the simulator serves millions of requests. Jobs still arrive in simulated-time
order, so the schedule is exactly FIFO's. What the station records, so that queueing theory
can be checked against it:

- the sums of the completed jobs' waits and response (sojourn) times (sums, not lists:
  a simulated day has tens of millions of jobs, and only their means are read);
- the time integrals of the number of busy servers and of the number queued, exact rather
  than sampled: each arrival commits its whole service and wait, and a reading at time T
  takes back the parts of jobs still in the system that lie after T. So utilisation =
  busy integral / (c × elapsed), and the time-average number in system L can be set
  against λ·W (Little's law) from two independent records.

`mark()` takes a cumulative reading and `stats(since)` reports the interval between a mark
and now, which is how the simulator cuts per-hour timeseries. Times are in the units of the
environment's clock.
"""

from __future__ import annotations

import heapq
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, NamedTuple

import simpy


class StationMark(NamedTuple):
    """Cumulative counters of a station at one instant; differences give interval stats."""

    time: float
    busy_area: float
    queue_area: float
    arrivals: int
    completions: int
    total_wait: float
    total_response: float


@dataclass(frozen=True, slots=True)
class StationStats:
    """What a station did over an interval (times in the environment's units)."""

    servers: int
    elapsed: float
    arrivals: int
    completions: int
    utilisation: float
    """Busy server-time over available server-time."""
    mean_in_system: float
    """Time-average number of jobs waiting or in service (L)."""
    mean_in_queue: float
    """Time-average number of jobs waiting (Lq)."""
    throughput: float
    """Completions per unit time."""
    mean_wait: float
    """Mean queueing delay of jobs completed in the interval (Wq)."""
    mean_response: float
    """Mean wait plus service of jobs completed in the interval (W)."""


class Station:
    """`servers` identical FIFO servers on `env`, with exact occupancy statistics."""

    def __init__(self, env: simpy.Environment, servers: int) -> None:
        self.env = env
        self.servers = servers
        self._free = [env.now] * servers
        """Heap of the times each server finishes the work already assigned to it."""
        self._in_system: list[tuple[float, float, float]] = []
        """Heap of (end, start, arrival) of jobs that may not have left yet."""
        self._busy_committed = 0.0
        self._queue_committed = 0.0
        self._arrivals = 0
        self._completions = 0
        self._total_wait = 0.0
        self._total_response = 0.0
        self._start = self.mark()

    def serve(self, service_time: float) -> Generator[simpy.Event, Any, None]:
        """Wait for the earliest free server, hold it for `service_time` (use `yield from`)."""
        arrived = self.env.now
        start, end = self.admit(service_time)
        yield self.env.timeout(end - arrived)
        self.release(arrived, start, end)

    def admit(self, service_time: float, arrived: float | None = None) -> tuple[float, float]:
        """Assign a job arriving now to the earliest free server; its (start, end) times.

        `arrived` may be given for a job whose arrival is being processed late, provided
        jobs are still admitted in arrival order. The caller must `release` the job at its
        `end` (as `serve` does), or it never completes in the statistics.
        """
        arrived = self.env.now if arrived is None else arrived
        start = max(arrived, self._free[0])
        end = start + service_time
        heapq.heapreplace(self._free, end)
        self._arrivals += 1
        self._busy_committed += end - start
        self._queue_committed += start - arrived
        in_system = self._in_system
        while in_system and in_system[0][0] <= arrived:
            heapq.heappop(in_system)
        heapq.heappush(in_system, (end, start, arrived))
        return start, end

    def release(self, arrived: float, start: float, end: float) -> None:
        """Record a job admitted at `arrived` as complete (at its `end`, which is now)."""
        wait, response = start - arrived, end - arrived
        self._completions += 1
        self._total_wait += wait
        self._total_response += response

    def _areas(self, now: float) -> tuple[float, float]:
        """Busy-server and queue-length time integrals from the station's creation to `now`."""
        busy_ahead = queued_ahead = 0.0
        for end, start, arrived in self._in_system:
            if end > now:
                busy_ahead += end - max(start, now)
                queued_ahead += max(0.0, start - max(arrived, now))
        return self._busy_committed - busy_ahead, self._queue_committed - queued_ahead

    def mark(self) -> StationMark:
        """Cumulative counters now, to pass to `stats` later."""
        now = self.env.now
        busy_area, queue_area = self._areas(now)
        return StationMark(
            now,
            busy_area,
            queue_area,
            self._arrivals,
            self._completions,
            self._total_wait,
            self._total_response,
        )

    def stats(self, since: StationMark | None = None) -> StationStats:
        """Statistics from `since` (default: the station's creation) until now."""
        start, end = since or self._start, self.mark()
        elapsed = end.time - start.time
        done = end.completions - start.completions
        per_time = 1.0 / elapsed if elapsed > 0 else float("nan")
        per_job = 1.0 / done if done else float("nan")
        busy = end.busy_area - start.busy_area
        queued = end.queue_area - start.queue_area
        return StationStats(
            servers=self.servers,
            elapsed=elapsed,
            arrivals=end.arrivals - start.arrivals,
            completions=done,
            utilisation=busy * per_time / self.servers,
            mean_in_system=(busy + queued) * per_time,
            mean_in_queue=queued * per_time,
            throughput=done * per_time,
            mean_wait=(end.total_wait - start.total_wait) * per_job,
            mean_response=(end.total_response - start.total_response) * per_job,
        )
