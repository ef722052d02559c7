"""The base of every Fanout Locust user: its own random generator, the plan, and its pacing.

Each user draws from its own numpy Generator seeded from the scenario seed, the worker's
index and the user's number in this process, never from Python's global `random`.
Between tasks a user either thinks for `loadtest.wait_s` (closed model) or, when
`loadtest.rate_actions_per_s` is set, keeps to an open-model schedule: it sleeps until its
next action is due and records how late the action really starts, as generator lag and as
part of the latency of every request the action makes (the lateness travels in Locust's
request `context`; see loadtests.generator.pacing).
"""

from __future__ import annotations

import itertools
import time
from functools import cache
from typing import Any, ClassVar

import gevent
import numpy as np
from locust import FastHttpUser

from loadtests.generator.accounts import Turns
from loadtests.generator.measure import RECORDER
from loadtests.generator.pacing import LATENESS, Pacer, per_user_interval_s
from loadtests.generator.users.api import bearer
from loadtests.records.plan import current_plan, current_scenario
from loadtests.records.seeded import SeededPopulation
from scenario import Scenario


class FanoutUser(FastHttpUser):
    abstract = True
    _numbers: ClassVar[itertools.count[int]] = itertools.count()

    def on_start(self) -> None:
        self.scenario: Scenario = current_scenario()
        self.population: SeededPopulation = current_plan().population
        number = next(FanoutUser._numbers)
        worker = self.environment.runner.worker_index if self.environment.runner else 0
        self.rng = np.random.default_rng([self.scenario.seed, worker, number])
        self.worker = worker
        self.tag = f"{worker}.{number}"  # unique among the test's users, in every process
        self.lateness_s: float | None = None
        """How late the running action started; None for a user without a schedule."""
        self.pacer = self.make_pacer()
        if self.pacer is not None:
            gevent.sleep(self.pacer.wait_s())
            self.start_action(self.pacer.start())

    def make_pacer(self) -> Pacer | None:
        """The open-model schedule, None for a closed-loop user; users start out of phase."""
        config = self.scenario.loadtest
        if config.rate_actions_per_s is None:
            return None
        interval_s = per_user_interval_s(config.rate_actions_per_s, config.users)
        return Pacer(interval_s, time.monotonic, phase_s=self.rng.uniform(0, interval_s))

    def wait_time(self) -> float:
        """Think time (closed model); or sleep until the next action is due and start it
        then, so its lateness includes a generator too busy to wake the user on time."""
        if self.pacer is None:
            low, high = self.scenario.loadtest.wait_s
            return float(self.rng.uniform(low, high))
        self.lateness_s = 0.0  # between actions nothing is late
        gevent.sleep(self.pacer.wait_s())
        self.start_action(self.pacer.start())
        return 0.0

    def start_action(self, lateness_s: float) -> None:
        """A scheduled action starts `lateness_s` late: generator lag, and part of the
        latency of each request it makes."""
        RECORDER.record_lag(lateness_s)
        self.lateness_s = lateness_s

    def context(self) -> dict[str, Any]:
        """Locust's request context: the running action's lateness, when on a schedule."""
        return {} if self.lateness_s is None else {LATENESS: self.lateness_s}

    def turns(self) -> Turns:
        """This process's seeded accounts, which its users act as in turn."""
        return process_turns(self.worker, self.scenario.loadtest.processes)

    def headers_of(self, account: int) -> dict[str, str]:
        """Authorization headers acting as the seeded account with this index."""
        return bearer(self.population.tokens[account])


@cache
def process_turns(worker: int, processes: int) -> Turns:
    """Worker `worker`'s share of the plan's ordinary accounts (loadtests.generator.accounts)."""
    return Turns(current_plan().population.ordinary, worker, processes)
