"""A load-test phone reads its pushes, as sim/activities/push_reads.py has it do.

Each session first reads the first `behaviour.page_size` pushes of its session's outbox
(`push_read`, GET /me/push) `behaviour.clients.<kind>.push_reads_per_session` times, the
fraction as the chance of one more: a seeded account on the mobile app (loadtests.control.
seed.draw_clients) at the mobile figure, one on the web at the web's (0 by default: a
browser gets no pushes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from loadtests.generator.users.api import push_read
from sim.draws import whole_and_chance

if TYPE_CHECKING:
    from loadtests.generator.users.session import SessionUser


class PushReader:
    """The push-outbox reads of one user's sessions."""

    def __init__(self, user: SessionUser) -> None:
        self.user = user
        behaviour = user.scenario.behaviour
        mobile = bool(user.population.mobile) and user.population.mobile[user.account]
        client = behaviour.clients.mobile if mobile else behaviour.clients.web
        self.reads = client.push_reads_per_session
        self.limit = behaviour.page_size

    def session(self) -> None:
        (reads,) = whole_and_chance(np.array([self.reads]), self.user.rng).tolist()
        for _ in range(reads):
            self.user.think()
            push_read(self.user.client, self.user.headers, self.limit)
