"""What every activity of one replication shares: the clock, the platform, the population.

Activities address accounts by population row (numpy columns are indexed by row) and call
the microblog with account ids; `account` and `row` translate. Days and hours count from
the start of the run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import simpy

from microblog.platform import Microblog
from microblog.store.memory_bulk import Csr
from scenario import Scenario
from sim.activities.base import Arrival
from sim.arrivals import SECONDS_PER_DAY, SECONDS_PER_HOUR
from sim.client_revenue import ClientRevenue
from sim.draws import Draws
from sim.population import Population
from sim.users import UserState


class Memberships:
    """Groups of each account: the seeded ones (rows) plus those joined during the run."""

    def __init__(self, population: Population) -> None:
        self._seeded = population.groups.transpose(population.size)
        self._joined: dict[int, list[int]] = {}
        self.group_of_member = np.repeat(
            np.arange(population.groups.n_rows), population.groups.degrees()
        )
        """The group of every seeded membership: a uniform pick is a pick by group size."""

    def groups_of(self, row: int) -> list[int]:
        """Group rows the account belongs to."""
        return self._seeded.row(row).tolist() + self._joined.get(row, [])

    def join(self, row: int, group: int) -> None:
        self._joined.setdefault(row, []).append(group)


class ExternalWaits:
    """Time the current call waits on services outside the platform (the payment gateway).

    The simulated gateway's `sleep` adds here instead of blocking; the engine takes the
    total into the call's latency. Such waits hold none of the modelled servers.
    """

    def __init__(self) -> None:
        self._waited_s = 0.0

    def add(self, seconds: float) -> None:
        self._waited_s += seconds

    def take(self) -> float:
        """Seconds waited since the last take."""
        waited, self._waited_s = self._waited_s, 0.0
        return waited


@dataclass
class World:
    scenario: Scenario
    env: simpy.Environment
    blog: Microblog
    population: Population
    users: UserState
    draws: Draws
    rng: np.random.Generator
    """The behaviour generator (the capacity model has its own, so changing the platform
    never changes what people do)."""
    first_account: int
    group_ids: list[int]
    waits: ExternalWaits
    start_at: Callable[[Arrival], None]
    """Start an arrival at its (later) time: what an activity schedules for itself, such as
    the gateway's late callback for a top-up the platform stopped waiting for."""
    memberships: Memberships = field(init=False)
    client_revenue: ClientRevenue = field(init=False)
    """Revenue attributed to the clients of the users it came from (`sim.client_revenue`)."""

    def __post_init__(self) -> None:
        self.memberships = Memberships(self.population)
        warmup_s = self.scenario.warmup_days * SECONDS_PER_DAY
        self.client_revenue = ClientRevenue(self.env, warmup_s, self.population.mobile)

    @cached_property
    def followers(self) -> Csr:
        """Each row's followers (rows), made on first use: the seeded graph transposed,
        which only the activities that reach followers directly need."""
        return self.population.follows.transpose(self.population.size)

    def account(self, row: int) -> int:
        return self.first_account + row

    def row(self, account_id: int) -> int:
        return account_id - self.first_account

    @property
    def day(self) -> int:
        return int(self.env.now // SECONDS_PER_DAY)

    @property
    def hour(self) -> int:
        return int(self.env.now // SECONDS_PER_HOUR)
