"""A queueing station: `c` identical servers, one FIFO queue, solved in batches, exact stats.

The station prices nothing and draws no randomness: a caller hands it jobs' arrival and
(already sampled) service times, in arrival order, a batch at a time, and the compiled
kernel (`sim.capacity.fcfs`) returns each job's start; its end is start plus service.
Nothing waits on a SimPy event: the model is open loop, so a job's schedule is known the
moment the jobs before it are. What the station records, so that queueing theory can be
checked against it:

- the sums of the completed jobs' waits and response (sojourn) times (sums, not lists:
  a simulated day has tens of millions of jobs, and only their means are read); a job
  completes at the first reading at or after its end;
- the time integrals of the number of busy servers and of the number queued, exact rather
  than sampled: each admitted job commits its whole service and wait, and a reading at
  time T takes back the parts of jobs still in the system that lie after T. So
  utilisation = busy integral / (c × elapsed), and the time-average number in system L can
  be set against λ·W (Little's law) from two independent records;
- the sum of squared service times of the jobs admitted, which is what the variance of
  busy time, a compound sum of service times, needs (`sim.intervals`): one more vector
  sum a batch, no work in the kernel.

`mark(now)` takes a cumulative reading and `stats(since, now)` reports the interval
between a mark and `now`, which is how the simulator cuts per-hour timeseries. A reading
at `now` is complete only once every job arriving by `now` has been admitted (the model
solves up to `now` before reading). Times are in seconds of simulated time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from sim.capacity.fcfs import fcfs


class StationMark(NamedTuple):
    """Cumulative counters of a station at one instant; differences give interval stats."""

    time: float
    busy_area: float
    queue_area: float
    arrivals: int
    completions: int
    total_wait: float
    total_response: float
    busy_squares: float


@dataclass(frozen=True, slots=True)
class StationStats:
    """What a station did over an interval (times in seconds)."""

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
    busy_squares: float
    """Σ s² of the service times of jobs that arrived in the interval."""


class Station:
    """`servers` identical FIFO servers, idle from `start`, with exact occupancy statistics."""

    def __init__(self, servers: int, start: float = 0.0) -> None:
        self.servers = servers
        self._free = np.full(servers, float(start))
        """Min-heap of the times each server finishes the work already assigned to it."""
        self._in_system = np.empty((3, 0))
        """Rows arrival, start, end of admitted jobs not yet read as complete."""
        self._busy_committed = 0.0
        self._queue_committed = 0.0
        self._arrivals = 0
        self._completions = 0
        self._total_wait = 0.0
        self._total_response = 0.0
        self._busy_squares = 0.0
        self._start = self.mark(start)

    def admit(self, arrivals: np.ndarray, services: np.ndarray) -> np.ndarray:
        """End times of jobs arriving at `arrivals` (in order, none before an earlier
        batch's) with these service times."""
        starts = fcfs(arrivals, services, self._free)
        ends = starts + services
        self._arrivals += arrivals.size
        self._busy_committed += float(services.sum())
        self._busy_squares += float(np.dot(services, services))
        self._queue_committed += float((starts - arrivals).sum())
        self._in_system = np.hstack([self._in_system, np.vstack([arrivals, starts, ends])])
        if arrivals.size:  # no later reading comes before the last arrival admitted
            self._complete(float(arrivals[-1]))
        return ends

    def mark(self, now: float) -> StationMark:
        """Cumulative counters at `now`, to pass to `stats` later; completes jobs ended by then."""
        self._complete(now)
        arrived, start, end = self._in_system
        busy_ahead = (end - np.maximum(start, now)).sum()
        queued_ahead = np.maximum(0.0, start - np.maximum(arrived, now)).sum()
        return StationMark(
            now,
            self._busy_committed - float(busy_ahead),
            self._queue_committed - float(queued_ahead),
            self._arrivals,
            self._completions,
            self._total_wait,
            self._total_response,
            self._busy_squares,
        )

    def _complete(self, now: float) -> None:
        arrived, start, end = self._in_system
        done = end <= now
        self._completions += int(done.sum())
        self._total_wait += float((start[done] - arrived[done]).sum())
        self._total_response += float((end[done] - arrived[done]).sum())
        self._in_system = self._in_system[:, ~done]

    def stats(self, now: float, since: StationMark | None = None) -> StationStats:
        """Statistics from `since` (default: the station's start) until `now`."""
        start, end = since or self._start, self.mark(now)
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
            busy_squares=end.busy_squares - start.busy_squares,
        )
