"""The queueing kernel: first-come-first-served jobs on `c` identical servers, compiled.

FIFO on identical servers needs no event queue: a job arriving at `a` with service `s`
starts when the earliest free server allows, `start = max(a, min(free))`, and that server
is then free at `start + s` (the Kiefer–Wolfowitz recursion; Lindley's for c = 1). Fed a
station's arrivals in time order, the recursion gives every job's start and end exactly,
so a whole interval's jobs are solved in one call instead of one SimPy event each. The
recursion is sequential (each job's start depends on the jobs before it), so it cannot be
vectorised over jobs; it is compiled with Numba instead, keeping the servers' free times
as a binary min-heap in place (c is small; a heap keeps a fan-out pool of hundreds cheap).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _sift_down(heap: np.ndarray, value: float) -> None:  # pragma: no cover - compiled
    """Replace the heap's smallest element by `value` and restore the heap property."""
    size = heap.size
    at = 0
    while True:
        child = 2 * at + 1
        if child >= size:
            break
        if child + 1 < size and heap[child + 1] < heap[child]:
            child += 1
        if heap[child] >= value:
            break
        heap[at] = heap[child]
        at = child
    heap[at] = value


@njit(cache=True, nogil=True)
def _fcfs(
    arrivals: np.ndarray, services: np.ndarray, free: np.ndarray, starts: np.ndarray
) -> None:  # pragma: no cover - compiled
    for job in range(arrivals.size):
        start = max(arrivals[job], free[0])
        starts[job] = start
        _sift_down(free, start + services[job])


def fcfs(arrivals: np.ndarray, services: np.ndarray, free: np.ndarray) -> np.ndarray:
    """Start times of jobs arriving at `arrivals` (non-decreasing) needing `services`.

    `free` is the servers' free times as a min-heap (`np.full(c, t0)` is one); it is
    updated in place, so consecutive calls continue one station's history. A job's end is
    its start plus its service.
    """
    starts = np.empty_like(arrivals)
    _fcfs(arrivals, services, free, starts)
    return starts
