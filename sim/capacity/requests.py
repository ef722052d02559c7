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
    """A batch of requests that can leave its process (a shard's window of calls, priced
    by the driver's model): the columns as bytes and the path names the path indices refer
    to. Bytes, not arrays: Ray hands a returned numpy array to the receiver as a view of its
    object store or of a compiled graph's channel, which the next window reuses and a
    shut-down cluster unmaps; bytes travel inside the pickle and belong to the receiver."""

    time: bytes
    path: bytes
    external_s: bytes
    work: bytes
    paths: tuple[str, ...]

    @property
    def submitted(self) -> Submitted:
        """The columns as arrays (views of these bytes)."""
        return Submitted(
            np.frombuffer(self.time, dtype=float),
            np.frombuffer(self.path, dtype=np.int64),
            np.frombuffer(self.external_s, dtype=float),
            np.frombuffer(self.work, dtype=float).reshape(-1, len(WORK_FIELDS)),
        )


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
        self._time.append(time)
        self._path.append(self._path_id(path))
        self._external_s.append(external_s)
        self._work.extend(self._read_work(work))

    def extend(
        self, time: np.ndarray, paths: Sequence[str], work: np.ndarray, external_s: np.ndarray
    ) -> None:
        """Buffer many requests at once, in order: `work` has a row per request and the
        columns of `WORK_FIELDS`."""
        self._time.frombytes(np.ascontiguousarray(time, dtype=float).tobytes())
        self._path.fromlist([self._path_id(path) for path in paths])
        self._external_s.frombytes(np.ascontiguousarray(external_s, dtype=float).tobytes())
        self._work.frombytes(np.ascontiguousarray(work, dtype=float).tobytes())

    def _path_id(self, path: str) -> int:
        path_id = self._path_ids.get(path)
        if path_id is None:
            path_id = self._path_ids[path] = len(self.paths)
            self.paths.append(path)
        return path_id

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
        """The buffered requests with their path names, to send to another process; the
        buffers start empty again."""
        calls = Calls(
            self._time.tobytes(), self._path.tobytes(), self._external_s.tobytes(),
            self._work.tobytes(), tuple(self.paths),
        )  # fmt: skip
        self._clear()
        return calls
