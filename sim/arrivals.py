"""Arrivals: one non-homogeneous Poisson process for the whole population.

Each account's sessions (or scheduled posts) are a Poisson process at its daily rate times
the diurnal curve, piecewise constant over clock hours. Their superposition is one Poisson
process at the summed rate, whose every arrival belongs to account i with probability
proportional to i's rate. So a clock hour costs one Poisson count, that many sorted uniform
times and one weighted pick each: the cost grows with arrivals, not with accounts.

Churned accounts are thinned out: arrivals are drawn for everyone and those of accounts that
have left are dropped, which is exactly the superposition of the remaining accounts.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

SECONDS_PER_HOUR = 3600.0
HOURS_PER_DAY = 24
SECONDS_PER_DAY = SECONDS_PER_HOUR * HOURS_PER_DAY


def diurnal_profile(weights: Sequence[float]) -> np.ndarray:
    """The 24 hourly weights scaled to average 1, so a day's rate integrates to the daily rate."""
    profile = np.asarray(weights, dtype=float)
    return profile * HOURS_PER_DAY / profile.sum()


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of simulated time within one clock hour."""

    start_s: float
    end_s: float
    hour_of_day: int


def clock_segments(start_hour: float, start_s: float, end_s: float) -> Iterator[Segment]:
    """Split [start_s, end_s) of a run that began at `start_hour` o'clock at clock hours."""
    t = start_s
    while t < end_s:
        clock = start_hour + t / SECONDS_PER_HOUR
        hour = math.floor(clock + 1e-9)
        next_hour_s = (hour + 1 - start_hour) * SECONDS_PER_HOUR
        end = min(end_s, next_hour_s)
        yield Segment(t, end, hour % HOURS_PER_DAY)
        t = end


class PoissonArrivals:
    """Arrivals of many accounts at once, each at its own daily rate shaped by the curve."""

    def __init__(
        self, daily_rates: np.ndarray, diurnal: np.ndarray, rng: np.random.Generator
    ) -> None:
        self._cumulative = np.cumsum(daily_rates, dtype=float)
        self._diurnal = diurnal
        self._rng = rng

    @property
    def daily_total(self) -> float:
        return float(self._cumulative[-1]) if self._cumulative.size else 0.0

    def draw(
        self, segment: Segment, present: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Arrival times (ascending) and account rows within the segment.

        `present` marks the accounts still on the platform; arrivals of the others are dropped.
        """
        length = segment.end_s - segment.start_s
        mean = self.daily_total * self._diurnal[segment.hour_of_day] * length / SECONDS_PER_DAY
        count = int(self._rng.poisson(mean)) if mean > 0 else 0
        times = segment.start_s + np.sort(self._rng.random(count)) * length
        targets = self._rng.random(count) * self.daily_total
        rows = np.searchsorted(self._cumulative, targets, side="right")
        rows = np.minimum(rows, self._cumulative.size - 1)
        if present is None:
            return times, rows
        kept = present[rows]
        return times[kept], rows[kept]
