"""Phones read the notifications pushed to them: `push_read`, the `GET /me/push` of a session.

A session reads its push outbox `behaviour.clients.<kind>.push_reads_per_session` times
(the whole part always, the fraction as the chance of one more): a phone app fetches its
notifications as it opens, a browser never (the platform pushes to mobile sessions only).
Each read is the first page of the account's phone session's outbox, `page_size` pushes,
as the load test's phones read it (loadtests/generator/users/push_reads.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import numpy as np

from sim.activities.base import Call, Steps
from sim.draws import whole_and_chance
from sim.seeding import phone_token
from sim.world import World


class PushReads:
    def __init__(self, world: World) -> None:
        self.world = world
        behaviour = world.scenario.behaviour
        self.reads = behaviour.clients.factors(world.population.mobile, "push_reads_per_session")
        self.limit = behaviour.page_size
        (self.rng,) = world.rng.spawn(1)
        """A stream of its own, so reading pushes leaves everyone else's draws as they were."""

    def plan(self, rows: np.ndarray) -> Sequence[int | None]:
        """Each session's reads (None: none)."""
        counts = whole_and_chance(self.reads[rows], self.rng)
        return [count or None for count in counts.tolist()]

    def steps(self, row: int, plan: int) -> Steps:
        outbox = partial(self.world.blog.push.outbox, phone_token(row), None, self.limit)
        for _ in range(plan):
            yield Call("push_read", outbox, {"limit": self.limit})
