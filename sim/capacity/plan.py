"""Capacity planning: the fewest servers per station that meet every SLO, in closed form.

Method (each step calls `network.solve`, which costs well under a millisecond):

1. Start every station at its smallest stable size, floor(offered load) + 1 servers.
2. Grow: while some SLO fails, double every station's spare servers (servers beyond the
   offered load). Latencies, lags and utilisations only fall as servers are added, so this
   reaches a feasible capacity in a few dozen steps at any scale, or proves the SLOs
   unreachable (an SLO below the no-queueing floor, e.g. a p99 under the service time).
3. Shrink: for each station in turn, bisect for its smallest count that still meets every
   SLO with the other stations as they are.

Because every metric is non-increasing in every station's servers, one shrinking pass
leaves each station minimal given the others: removing one server from any station breaks
an SLO or saturates it. (A path's latency depends on all its stations, so a different
split between stations with the same total may exist; the pass fixes stations in the
order app, db, cache, fanout.) SLOs are upper bounds (`<`, `<=`) on metrics the solver
produces: `latency.<path>.{mean,p50,p95,p99}_ms`, `utilization.<station>`,
`fanout.lag.{mean,p50,p95,p99}_s`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from outcomes.slo import Slo
from scenario.capacity import CapacityConfig
from sim.capacity.demand import SERVER_FIELDS, WorkCounts
from sim.capacity.network import PlatformSolution, solve

_MAX_DOUBLINGS = 40
"""Spare capacity grows at most 2^40-fold before the SLOs are declared unreachable."""
_UPPER_BOUNDS = ("<", "<=")
_Solver = Callable[[Mapping[str, int]], PlatformSolution]


class Unreachable(ValueError):
    """No number of servers meets the SLOs (within `_MAX_DOUBLINGS` of spare capacity)."""


def plan(
    config: CapacityConfig,
    rates: Mapping[str, float],
    works: Mapping[str, WorkCounts],
    slos: Sequence[Slo],
    largest_fanout: float = 0.0,
    covariances: Mapping[str, np.ndarray] | None = None,
) -> PlatformSolution:
    """Smallest servers per station (other `config` fields kept) meeting every SLO.

    `largest_fanout` and `covariances` (per path, of the work counters) are `solve`'s.

    Raises ValueError for an SLO on a metric the capacity model does not produce or a
    lower-bound SLO, and its subclass Unreachable for SLOs no number of servers can meet.
    """

    def at(counts: Mapping[str, int]) -> PlatformSolution:
        update = {SERVER_FIELDS[name]: count for name, count in counts.items()}
        return solve(config.model_copy(update=update), rates, works, largest_fanout, covariances)

    base = at({name: 1 for name in SERVER_FIELDS})
    _check_slos(slos, base.metrics())
    loads = {name: queue.offered_load for name, queue in base.stations.items()}
    counts = _grow(at, slos, {name: math.floor(load) + 1 for name, load in loads.items()})
    for name in SERVER_FIELDS:
        counts[name] = _smallest(at, slos, counts, name, math.floor(loads[name]) + 1)
    return at(counts)


def meets(solution: PlatformSolution, slos: Sequence[Slo]) -> bool:
    """Whether every SLO holds for this solution."""
    metrics = solution.metrics()
    return all(slo.holds(metrics[slo.metric]) for slo in slos)


def _check_slos(slos: Sequence[Slo], metrics: Mapping[str, float]) -> None:
    for slo in slos:
        if slo.metric not in metrics:
            raise ValueError(
                f"SLO '{slo}': capacity planning has no metric {slo.metric!r}; "
                f"it knows {', '.join(sorted(metrics))}"
            )
        if slo.op not in _UPPER_BOUNDS:
            raise ValueError(f"SLO '{slo}': capacity planning sizes for upper bounds (< or <=)")


def _grow(at: _Solver, slos: Sequence[Slo], counts: dict[str, int]) -> dict[str, int]:
    """Double every station's spare servers until the SLOs hold."""
    floors = {name: count - 1 for name, count in counts.items()}
    for _ in range(_MAX_DOUBLINGS):
        solution = at(counts)
        if meets(solution, slos):
            return counts
        counts = {name: floors[name] + 2 * (count - floors[name]) for name, count in counts.items()}
    metrics = solution.metrics()
    failing = [
        f"'{slo}' ({metrics[slo.metric]:.4g})" for slo in slos if not slo.holds(metrics[slo.metric])
    ]
    raise Unreachable(f"no capacity meets SLO {', '.join(failing)}, even without queueing")


def _smallest(
    at: _Solver, slos: Sequence[Slo], counts: Mapping[str, int], name: str, low: int
) -> int:
    """Bisect for the fewest servers at station `name` meeting the SLOs, others fixed."""
    high = counts[name]
    while low < high:
        middle = (low + high) // 2
        if meets(at({**counts, name: middle}), slos):
            high = middle
        else:
            low = middle + 1
    return high
