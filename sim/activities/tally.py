"""Counts an activity keeps of its own outcomes, for the timeseries and the measured window.

An activity that measures something (`base.Measured`) adds to named counts as things happen;
each count is kept for the current timeseries interval (handed over and restarted at every
interval's end), for the measured window (from the end of warm-up on) and for the run.
"""

from __future__ import annotations

from collections.abc import Iterable

from sim.arrivals import SECONDS_PER_DAY
from sim.world import World


class Tally:
    def __init__(self, world: World, names: Iterable[str]) -> None:
        self.env = world.env
        self.warmup_s = world.scenario.warmup_days * SECONDS_PER_DAY
        self.names = tuple(names)
        self.window = dict.fromkeys(self.names, 0.0)
        self.run = dict.fromkeys(self.names, 0.0)
        self._interval = dict.fromkeys(self.names, 0.0)

    def add(self, name: str, amount: float = 1.0) -> None:
        self._interval[name] += amount
        self.run[name] += amount
        if self.env.now >= self.warmup_s:
            self.window[name] += amount

    def interval_row(self) -> dict[str, float]:
        """The counts of the interval just ended; the next one starts from zero."""
        row, self._interval = self._interval, dict.fromkeys(self.names, 0.0)
        return row
