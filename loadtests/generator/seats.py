"""Which seeded account a mixed user acts as: users running at once are consecutive accounts.

Seeding makes each ordinary account a friend of its neighbours (loadtests.control.seed), so users
acting as consecutive accounts have friends online to chat with. Each Locust process seats
its users in numbered places, the lowest free first, and the places of all worker
processes interleave. A user gives its seat back when it stops, so when a load shape
removes users and adds others later, the running users still sit together.

This module does not import Locust.
"""

from __future__ import annotations


class Seats:
    """The numbered places of one process's users."""

    def __init__(self) -> None:
        self.taken: set[int] = set()

    def take(self) -> int:
        """The lowest free seat, now taken."""
        seat = min(set(range(len(self.taken) + 1)) - self.taken)
        self.taken.add(seat)
        return seat

    def give_back(self, seat: int) -> None:
        self.taken.discard(seat)


def seated_account(ordinary: range, seat: int, worker: int, processes: int) -> int:
    """The ordinary account of `seat` in worker `worker` of `processes` (wrapping round)."""
    return ordinary[(seat * processes + worker) % len(ordinary)]
