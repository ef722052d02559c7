"""The window exchange among the shards themselves, without the driver at every barrier.

Ray's per-window round trip from the driver to every shard and back (~1.5–2.5 ms here)
cost more than the windows' own work: 86,400 of them a simulated day at W = 1 s. The
exchange keeps every barrier and its semantics and takes the driver out of it: every shard
holds a copy of the `Barrier` and, at the end of each window, sends its `Report` to every
shard and reads everyone's, so each computes the same next window for itself (its inbox,
the post id base, its ad allowances) as the driver would. The exchange is a Ray Compiled
Graph (`ray.dag`, shared-memory channels between long-lived actors): one call from the
driver runs `WINDOWS_PER_CALL` windows, window by window in lock step, and returns what the
driver still needs of each window (the calls to price, the books to audit, the time
reached) and the last reports, which start the next call.

A shard that raises cannot leave the graph's lock step without the others waiting on its
report, so it reports its error as a value (`Failed`), every shard after it passes the
first one on, and the driver raises it naming the shard.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from ray.dag import InputNode, MultiOutputNode

from sim.capacity.requests import Calls
from sim.shards.barrier import Barrier, Next, Report
from sim.shards.clearing import Books

WINDOWS_PER_CALL = 60
"""Windows one call of the compiled exchange runs: the driver's round trip is paid once per
this many windows. The graph's compile time grows with it (~3 s plus ~0.05 s a window
here), and the driver hears (progress, calls to price) once per call."""


class Failed(NamedTuple):
    """A shard's error, passed on as its report (and by every shard after it)."""

    shard: int
    error: BaseException


class Window(NamedTuple):
    """What the driver needs of one of a shard's windows."""

    reached: float
    """The boundary the window ended at."""
    settling: bool
    """A window past the run's end that only applied messages in flight."""
    calls: Calls
    books: Books | None


class Collected(NamedTuple):
    """A shard's answer to one call: its last report, its windows, and whether the run is
    over (every shard's copy of the barrier agrees)."""

    report: Report | Failed
    windows: list[Window]
    over: bool


Step = Callable[[Next], tuple[Report, Calls, Books | None]]
"""Runs one of this shard's windows: applies what the barrier gives, then advances."""


class Exchanger:
    """A shard's side of the exchange: its copy of the barrier, the windows it ran since
    the driver last heard."""

    def __init__(self, barrier: Barrier, shard: int, step: Step) -> None:
        self.barrier = barrier
        self.shard = shard
        self.step = step
        self.windows: list[Window] = []

    def window(self, reports: Sequence[Report | Failed]) -> Report | Failed:
        """The next window from every shard's last reports (nothing once the run is over)."""
        failed = next((report for report in reports if isinstance(report, Failed)), None)
        if failed is not None:
            return failed
        if self.barrier.over:
            return reports[self.shard]
        try:
            nexts = self.barrier.cross([report for report in reports if isinstance(report, Report)])
            if nexts is None:
                return reports[self.shard]
            mine = nexts[self.shard]
            report, calls, books = self.step(mine)
        except Exception as error:  # passed on as a value: see the module's docstring
            return Failed(self.shard, error)
        self.windows.append(Window(mine.until, self.barrier.settling, calls, books))
        return report

    def collect(self, report: Report | Failed) -> Collected:
        """The call's answer; the next call starts a new list of windows."""
        windows, self.windows = self.windows, []
        return Collected(report, windows, self.barrier.over)


def compile_exchange(actors: list[Any], windows: int) -> Any:
    """The compiled graph of `windows` windows on `actors`: called with every shard's last
    report, it answers every shard's `Collected`."""
    shards = range(len(actors))
    with InputNode() as reports:
        layer = [actor.exchange.bind(*[reports[k] for k in shards]) for actor in actors]
        for _ in range(windows - 1):
            layer = [actor.exchange.bind(*layer) for actor in actors]
        graph = MultiOutputNode([actor.collect.bind(layer[k]) for k, actor in enumerate(actors)])
    return graph.experimental_compile()
