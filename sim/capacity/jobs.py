"""Requests in flight through the request stations, as columns (one row per request).

A request visits `app`, `db`, `cache` in that order, skipping a station it puts no demand
on; `stage` is the station it goes to next (`DONE` when it has left the last), and `time`
when it gets there (or leaves, when `DONE`). Rows are selected and appended as whole
columns, so a batch of requests moves through a station in a few array operations.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.capacity.demand import REQUEST_STATIONS

DONE = len(REQUEST_STATIONS)
"""The `stage` of a request that has left its last station."""


class Jobs(NamedTuple):
    """Requests in flight; every column has one entry per request."""

    seq: np.ndarray
    """Submission order over the whole run: breaks ties between equal times."""
    path: np.ndarray
    """Index of the request's path (`RequestLog.paths`)."""
    origin: np.ndarray
    """When the request's latency starts: submission less any external wait (seconds)."""
    time: np.ndarray
    """When it arrives at `stage` (or completes, once `DONE`)."""
    stage: np.ndarray
    visits: np.ndarray
    """Whether it visits each request station (n × 3)."""
    services: np.ndarray
    """Its service time at each request station, seconds (n × 3; 0 where not visited)."""
    deliveries: np.ndarray
    """Fan-out-on-write deliveries it starts once complete."""
    pushes: np.ndarray
    """Push notifications it hands to the push workers once complete."""

    @classmethod
    def empty(cls) -> Jobs:
        stations = len(REQUEST_STATIONS)
        return cls(
            np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0), np.empty(0),
            np.empty(0, np.int64), np.empty((0, stations), bool), np.empty((0, stations)),
            np.empty(0), np.empty(0),
        )  # fmt: skip

    def rows(self, which: np.ndarray) -> Jobs:
        """The requests at these indices or under this mask, in that order."""
        return Jobs(*(column[which] for column in self))

    def plus(self, other: Jobs) -> Jobs:
        return Jobs(*(np.concatenate([a, b]) for a, b in zip(self, other, strict=True)))

    def in_time_order(self, which: np.ndarray) -> np.ndarray:
        """Indices of the requests under mask `which`, ordered by time, then submission."""
        chosen = np.flatnonzero(which)
        return chosen[np.lexsort((self.seq[chosen], self.time[chosen]))]


def next_stage(visits: np.ndarray, after: int) -> np.ndarray:
    """Each row's first visited station after station `after` (-1: the first), or `DONE`."""
    later = visits[:, after + 1 :]
    if later.shape[1] == 0:
        return np.full(len(visits), DONE)
    return np.where(later.any(axis=1), after + 1 + later.argmax(axis=1), DONE)
