"""A queueing station: `c` identical servers, one FIFO queue, exact statistics.

The station prices nothing and draws no randomness: a caller hands `serve` a service time
(already sampled) and the station delays it by the queue wait plus that time. What it adds
to a bare `simpy.Resource` is bookkeeping that queueing theory can be checked against:

- per-job waits and response (sojourn) times, in completion order;
- the time integrals of the number of busy servers and of the number queued, updated at
  every change of state (arrival, start of service, departure), so time averages are exact
  rather than sampled: utilisation = busy integral / (c × elapsed), and the time-average
  number in system L can be set against λ·W (Little's law) from two independent records.

`mark()` takes a cumulative reading and `stats(since)` reports the interval between a mark
and now, which is how the simulator cuts per-hour timeseries. Times are in the units of the
environment's clock.
"""

from __future__ import annotations

from array import array
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
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
        self.resource = simpy.Resource(env, capacity=servers)
        self._waits = array("d")
        self._responses = array("d")
        self._last_change = env.now
        self._busy_area = 0.0
        self._queue_area = 0.0
        self._arrivals = 0
        self._total_wait = 0.0
        self._total_response = 0.0
        self._start = self.mark()

    def serve(self, service_time: float) -> Generator[simpy.Event, Any, None]:
        """Queue for a server, hold it for `service_time`, release it (use with `yield from`)."""
        env = self.env
        arrived = env.now
        self._integrate()
        self._arrivals += 1
        with self.resource.request() as granted:
            yield granted
            started = env.now
            yield env.timeout(service_time)
            self._integrate()
        self._record(started - arrived, env.now - arrived)

    def _integrate(self) -> None:
        """Accumulate occupancy since the last change; called just before each change."""
        now = self.env.now
        elapsed = now - self._last_change
        if elapsed:
            self._busy_area += self.resource.count * elapsed
            self._queue_area += len(self.resource.queue) * elapsed
            self._last_change = now

    def _record(self, wait: float, response: float) -> None:
        self._waits.append(wait)
        self._responses.append(response)
        self._total_wait += wait
        self._total_response += response

    def waits(self) -> np.ndarray:
        """Queueing delay of every completed job, in completion order (a copy)."""
        return np.array(self._waits, dtype=float)

    def responses(self) -> np.ndarray:
        """Wait plus service of every completed job, in completion order (a copy)."""
        return np.array(self._responses, dtype=float)

    def mark(self) -> StationMark:
        """Cumulative counters now, to pass to `stats` later."""
        self._integrate()
        return StationMark(
            self.env.now,
            self._busy_area,
            self._queue_area,
            self._arrivals,
            len(self._responses),
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
