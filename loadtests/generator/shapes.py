"""Load shapes: how many Locust users run at each moment of a test, from the scenario.

Each plan answers `tick(elapsed_s)` with `(users, spawn_rate)`, or None once the test is
over, which is what Locust's `LoadTestShape.tick()` returns; the Locust side only supplies
the clock (see loadtests/generator/locustfile.py). Keeping the plans free of Locust lets them be
tested with any clock. Every test lasts `loadtest.run_time_s`, whatever its shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from scenario import Scenario

HOURS_PER_DAY = 24

UserTarget = tuple[int, float]
"""(users, spawn_rate): the user count to reach and how many users to start per second."""


class LoadPlan(Protocol):
    def tick(self, elapsed_s: float) -> UserTarget | None: ...


@dataclass(frozen=True)
class ConstantLoad:
    """`users` users for the whole test."""

    users: int
    spawn_rate: float
    run_time_s: float

    def tick(self, elapsed_s: float) -> UserTarget | None:
        return (self.users, self.spawn_rate) if elapsed_s < self.run_time_s else None


@dataclass(frozen=True)
class StepLoad:
    """Steps of (users, duration_s) in order; the last step holds until the test ends."""

    steps: Sequence[tuple[int, float]]
    spawn_rate: float
    run_time_s: float

    def tick(self, elapsed_s: float) -> UserTarget | None:
        if elapsed_s >= self.run_time_s:
            return None
        step_end = 0.0
        for users, duration_s in self.steps:
            step_end += duration_s
            if elapsed_s < step_end:
                return users, self.spawn_rate
        return self.steps[-1][0], self.spawn_rate


@dataclass(frozen=True)
class SpikeLoad:
    """`users` users, `multiplier` times as many between `at_s` and `at_s + duration_s`."""

    users: int
    spawn_rate: float
    run_time_s: float
    at_s: float
    duration_s: float
    multiplier: float

    def tick(self, elapsed_s: float) -> UserTarget | None:
        if elapsed_s >= self.run_time_s:
            return None
        spiking = self.at_s <= elapsed_s < self.at_s + self.duration_s
        users = round(self.users * self.multiplier) if spiking else self.users
        return users, self.spawn_rate


@dataclass(frozen=True)
class DiurnalLoad:
    """The scenario's day of hourly activity weights, compressed into `day_s` real seconds.

    Users follow the weight of the current (compressed) hour of day, linearly interpolated
    between hours and scaled so the busiest hour has `users` users; at least one user runs.
    """

    users: int
    spawn_rate: float
    run_time_s: float
    day_s: float
    start_hour: float
    hourly_weights: Sequence[float]

    def tick(self, elapsed_s: float) -> UserTarget | None:
        if elapsed_s >= self.run_time_s:
            return None
        hour = (self.start_hour + elapsed_s / self.day_s * HOURS_PER_DAY) % HOURS_PER_DAY
        share = self._weight_at(hour) / max(self.hourly_weights)
        return max(1, round(self.users * share)), self.spawn_rate

    def _weight_at(self, hour: float) -> float:
        index = int(hour)
        after = self.hourly_weights[(index + 1) % HOURS_PER_DAY]
        before = self.hourly_weights[index]
        return before + (after - before) * (hour - index)


def plan_for(scenario: Scenario) -> LoadPlan:
    """The load plan the scenario's `loadtest.shape` names, with its parameters."""
    config = scenario.loadtest
    common = (config.users, config.spawn_rate, config.run_time_s)
    match config.shape:
        case "steps":
            steps = [(step.users, step.duration_s) for step in config.steps]
            return StepLoad(steps, config.spawn_rate, config.run_time_s)
        case "spike":
            spike = config.spike
            return SpikeLoad(*common, spike.at_s, spike.duration_s, spike.multiplier)
        case "diurnal":
            day_s = config.diurnal.day_minutes * 60
            weights = scenario.behaviour.diurnal
            return DiurnalLoad(*common, day_s, scenario.start_hour, weights)
        case _:
            return ConstantLoad(*common)
