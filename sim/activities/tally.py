"""Counts an activity keeps of its own outcomes, for the timeseries and the measured window.

An activity that measures something (`base.Measured`) adds to named counts as things happen;
each count is kept for the measured window (from the end of warm-up on) and for the run,
and the few worth a timeseries column (each becomes a plot in the report) for the current
interval too (handed over and restarted at every interval's end). The window also sums
the squares of what is added: Σ x², which a compound sum's within-run interval needs.
"""

from __future__ import annotations

from collections.abc import Iterable

from sim.arrivals import SECONDS_PER_DAY
from sim.intervals import Estimate, compound_sum
from sim.world import World


class Tally:
    def __init__(self, world: World, names: Iterable[str], timeseries: Iterable[str]) -> None:
        self.env = world.env
        self.warmup_s = world.scenario.warmup_days * SECONDS_PER_DAY
        names = tuple(names)
        self.window = dict.fromkeys(names, 0.0)
        self.window_squares = dict.fromkeys(names, 0.0)
        self.run = dict.fromkeys(names, 0.0)
        self.columns = tuple(name for name in timeseries if name in self.run)
        self._interval = dict.fromkeys(self.columns, 0.0)

    def add(self, name: str, amount: float = 1.0) -> None:
        self.run[name] += amount
        if self.env.now >= self.warmup_s:
            self.window[name] += amount
            self.window_squares[name] += amount * amount
        if name in self._interval:
            self._interval[name] += amount

    def compound(self, name: str, scale: float = 1.0) -> Estimate | None:
        """The window's total of `name`, times `scale` (fen to coins), with its compound-sum
        interval."""
        return compound_sum(self.window[name] * scale, self.window_squares[name] * scale**2)

    def interval_row(self) -> dict[str, float]:
        """The timeseries counts of the interval just ended; the next starts from zero."""
        row, self._interval = self._interval, dict.fromkeys(self.columns, 0.0)
        return row
