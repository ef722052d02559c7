"""Submitted requests as column buffers: what `CapacityModel.submit` costs a call.

The model is open loop, so a call's latency is never needed while the simulation runs:
submitting only appends the call's time, path, external wait and work counters to typed
arrays (four C-level appends, the counters read in one `attrgetter` call), and the
stations are solved later for a whole batch at once (`sim.capacity.model`).
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import NamedTuple

import numpy as np

from sim.capacity.demand import WORK_FIELDS, WorkCounts


class Submitted(NamedTuple):
    """A batch of submitted requests, in submission order."""

    time: np.ndarray
    """Simulated seconds at which each request reached the platform."""
    path: np.ndarray
    """Index of each request's path in `RequestLog.paths`."""
    external_s: np.ndarray
    """Seconds each waited on a service outside the platform before (adds to latency)."""
    work: np.ndarray
    """Work counters, one row per request, columns in `WORK_FIELDS` order."""


@dataclass(frozen=True, slots=True)
class Calls:
    """A batch of requests that can leave its process: the columns and the path names
    their indices refer to (a shard's window of calls, priced by the driver's model)."""

    submitted: Submitted
    paths: tuple[str, ...]

    @property
    def names(self) -> np.ndarray:
        """Each request's path name."""
        return np.array(self.paths, dtype=object)[self.submitted.path]


class RequestLog:
    """Column buffers of requests submitted since the last `take`."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        """Path names in order of first submission; a request's path is an index here."""
        self._path_ids: dict[str, int] = {}
        self._read_work = attrgetter(*WORK_FIELDS)
        self._clear()

    def _clear(self) -> None:
        self._time = array("d")
        self._path = array("q")
        self._external_s = array("d")
        self._work = array("d")

    def append(self, time: float, path: str, work: WorkCounts, external_s: float) -> None:
        """Buffer one request."""
        self.append_counts(time, path, self._read_work(work), external_s)

    def append_counts(
        self, time: float, path: str, counts: Sequence[float], external_s: float
    ) -> None:
        """Buffer one request whose work counters are already read, in `WORK_FIELDS` order."""
        path_id = self._path_ids.get(path)
        if path_id is None:
            path_id = self._path_ids[path] = len(self.paths)
            self.paths.append(path)
        self._time.append(time)
        self._path.append(path_id)
        self._external_s.append(external_s)
        self._work.extend(counts)

    def __len__(self) -> int:
        return len(self._time)

    def take(self) -> Submitted:
        """The buffered requests as arrays; the buffers start empty again."""
        batch = Submitted(
            np.frombuffer(self._time, dtype=float),
            np.frombuffer(self._path, dtype=np.int64),
            np.frombuffer(self._external_s, dtype=float),
            np.frombuffer(self._work, dtype=float).reshape(-1, len(WORK_FIELDS)),
        )
        self._clear()
        return batch

    def take_calls(self) -> Calls:
        """The buffered requests with their path names, to send to another process."""
        return Calls(self.take(), tuple(self.paths))
