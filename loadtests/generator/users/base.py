"""The base of every Fanout Locust user: its own random generator, the plan, and its pacing.

Each user draws from its own numpy Generator seeded from the scenario seed, the worker's
index and the user's number in this process, never from Python's global `random`.
Between tasks a user either thinks for `loadtest.wait_s` (closed model) or, when
`loadtest.rate_actions_per_s` is set, keeps to an open-model schedule and records how late each send
goes (see loadtests.generator.pacing).
"""

from __future__ import annotations

import itertools
import time
from typing import ClassVar

import gevent
import numpy as np
from locust import FastHttpUser

from loadtests.control.seed import SeededPopulation
from loadtests.generator.measure import RECORDER
from loadtests.generator.pacing import Pacer, per_user_interval_s
from loadtests.generator.seats import seated_account
from loadtests.generator.users.api import bearer
from loadtests.records.plan import current_plan, current_scenario
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
        self.pacer = self.make_pacer()
        if self.pacer is not None:
            gevent.sleep(self.pacer.first_wait_s())

    def make_pacer(self) -> Pacer | None:
        """The open-model schedule, None for a closed-loop user; users start out of phase."""
        config = self.scenario.loadtest
        if config.rate_actions_per_s is None:
            return None
        interval_s = per_user_interval_s(config.rate_actions_per_s, config.users)
        return Pacer(interval_s, time.monotonic, phase_s=self.rng.uniform(0, interval_s))

    def wait_time(self) -> float:
        """Think time (closed model), or the time left until the next scheduled send."""
        if self.pacer is None:
            low, high = self.scenario.loadtest.wait_s
            return float(self.rng.uniform(low, high))
        wait_s, lag_s = self.pacer.next_send()
        RECORDER.record_lag(lag_s)
        return wait_s

    def account_at(self, seat: int) -> int:
        """The ordinary account a user in this seat of its process acts as."""
        processes = self.scenario.loadtest.processes
        return seated_account(self.population.ordinary, seat, self.worker, processes)

    def headers_of(self, account: int) -> dict[str, str]:
        """Authorization headers acting as the seeded account with this index."""
        return bearer(self.population.tokens[account])
