"""Which seeded account each session of a mixed user acts as, and what an account keeps.

The simulator's sessions spread over its whole population, so a limit per account (the
ads' daily frequency cap, one membership, one album) binds as often as the population's
size makes it. A load-test user therefore acts as another account in each session: each
Locust process owns every `processes`-th ordinary account (its `worker` index first) and
its sessions take them in turn, skipping those another of its users is acting as, round
and round. Sessions running at once are near one another in the turn, so they act as
neighbouring accounts, which seeding makes friends (loadtests.control.seed): friends
online to chat with.

What an account does in one session and meets again in a later one, acted by whichever
user, stays with the account in `Kept`: its album, the accounts it followed and the
groups it joined in this test, its membership, whether it ever buys game items, its chat
presence and the ETags its client holds.

This module does not import Locust.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Kept:
    """One account's state between the sessions that act as it (see module docstring)."""

    album: int | None = None
    followed: list[int] = field(default_factory=list)
    """Accounts it followed in this test, the last first to unfollow."""
    joined: list[int] = field(default_factory=list)
    """Groups it joined in this test."""
    member: bool = False
    buys_games: bool | None = None
    """Drawn at its first session (`games.paying_user_share`), kept for the test."""
    chosen: str = "online"
    """Its own chat presence choice (the server's default until it chooses)."""
    hidden: bool = False
    """Whether its last chat leave turned it invisible behind its choice."""
    etags: dict[str, str] = field(default_factory=dict)
    """The ETags its client holds, by URL, to revalidate photo reads."""


class Turns:
    """One process's accounts, taken in turn by its sessions (see module docstring)."""

    def __init__(self, ordinary: range, worker: int, processes: int) -> None:
        own = ordinary[worker::processes]
        self.accounts = own or ordinary
        """Every `processes`-th account; all of them when there are fewer than processes."""
        self.next = 0
        self.acting: Counter[int] = Counter()
        self.kept: dict[int, Kept] = {}

    def take(self) -> int:
        """The next account in turn that no user acts as (when every one is taken, the next
        in turn: more users than accounts share them)."""
        count = len(self.accounts)
        free = (
            s for s in range(count) if self.accounts[(self.next + s) % count] not in self.acting
        )
        step = next(free, 0)
        account = self.accounts[(self.next + step) % count]
        self.next = (self.next + step + 1) % count
        self.acting[account] += 1
        return account

    def give_back(self, account: int) -> None:
        """A session acting as `account` is over."""
        self.acting[account] -= 1
        if self.acting[account] <= 0:
            del self.acting[account]

    def kept_by(self, account: int) -> Kept:
        """What `account` has kept from its earlier sessions."""
        return self.kept.setdefault(account, Kept())
