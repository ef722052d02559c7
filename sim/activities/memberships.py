"""Paid memberships: users buy a monthly membership in sessions; the operator's renewal
run charges members' wallets at each period's end, or lapses them.

In a session, an ordinary user who is not a member buys one with chance
`economy.memberships.join_per_session` (`membership_join`: the ledger refuses a wallet too
short, an expected refusal). Every `renewal_interval_hours` the operator's cron settles the
memberships due (`membership_renew`, the `POST /admin/memberships/renewals` a server's cron
calls): each is renewed from its wallet, lapsed when the wallet is short, or ended when it
was cancelled. Members are not modelled as leaving on their own: churn stops their
sessions, not their renewals, so a churned member keeps paying until the wallet runs dry.
Churn reads membership back (`sim.churn`): a member's hazard is `churn.member_factor` of
another's, and a lapse adds `churn.lapse_hazard` on its day.

Measured: `revenue.vas` (fees the ledger moved, joins and renewals), `memberships.joins`,
`memberships.renewals`, `memberships.lapses` (the last three and the revenue also per
interval); each fee is attributed to its payer's client (`sim.client_revenue`).
"""

from __future__ import annotations

import itertools
import math
from functools import partial

import numpy as np

from microblog.errors import Conflict, InsufficientFunds
from microblog.membership_models import Membership, Renewals
from sim.activities.base import Arrival, Call, Steps, succeeded
from sim.activities.tally import Tally
from sim.arrivals import SECONDS_PER_HOUR, Segment
from sim.intervals import Intervals, poisson_count, present
from sim.population import Kind
from sim.wallets import Wallets
from sim.world import World

FEN_PER_COIN = 100
OPERATOR_ROW = 0
"""The renewal run is the operator's, not a user's; the trace records it as row 0's."""
COUNTS = (
    "revenue.vas",
    "memberships.joins",
    "memberships.renewals",
    "memberships.lapses",
)
TIMESERIES = ("revenue.vas", "memberships.joins", "memberships.renewals", "memberships.lapses")


class PaidMemberships:
    def __init__(self, world: World, wallets: Wallets) -> None:
        self.world = world
        self.wallets = wallets
        self.config = world.scenario.economy.memberships
        self.users = world.population.kind == Kind.USER
        self.every_s = self.config.renewal_interval_hours * SECONDS_PER_HOUR
        self.tally = Tally(world, COUNTS, TIMESERIES)
        self._keys = itertools.count(1)
        self.rng = world.rng.spawn(1)[0]
        """A stream of its own, so choosing who joins leaves the sessions' draws as they were."""

    # A session's part: maybe join

    def plan(self, rows: np.ndarray) -> list[bool | None]:
        joins = self.rng.random(rows.size) < self.config.join_per_session
        return [True if join else None for join in (joins & self.users[rows]).tolist()]

    def steps(self, row: int, plan: bool) -> Steps:
        account = self.world.account(row)
        self.wallets.ensure(row, account)
        key = f"membership-{next(self._keys)}"
        action = partial(self._join, row, account, key)
        yield Call(
            "membership_join", action, {"idempotency_key": key}, (InsufficientFunds, Conflict)
        )

    def _join(self, row: int, account: int, key: str) -> Membership:
        joined = self.world.blog.memberships.join(account, idempotency_key=key)
        self.world.users.member[row] = True
        self.tally.add("memberships.joins")
        self._earned(row, joined.price_fen)
        return joined

    # The operator's cron: renewals

    def arrivals(self, segment: Segment) -> list[Arrival]:
        first = math.ceil(segment.start_s / self.every_s) * self.every_s
        times = np.arange(first, segment.end_s, self.every_s).tolist()
        return [Arrival(t, OPERATOR_ROW, self._renewal, None, False) for t in times]

    def _renewal(self, _row: int, _plan: None) -> Steps:
        """One cron tick: renewal runs until one settles less than a full batch."""
        batch = self.world.blog.config.memberships.renewal_batch
        settled = batch
        while settled == batch:
            result = yield Call("membership_renew", self.world.blog.memberships.renew_due, {})
            if not succeeded(result):
                return
            self._renewed(result)
            settled = result.renewed + result.lapsed + result.ended

    def _renewed(self, run: Renewals) -> None:
        self.tally.add("memberships.renewals", run.renewed)
        self.tally.add("memberships.lapses", run.lapsed)
        for account, fen in run.charged:
            self._earned(self.world.row(account), fen)
        for account in run.lapsed_accounts:
            row = self.world.row(account)
            self.world.users.member[row] = False
            self.world.users.lapsed_day[row] = self.world.day

    def _earned(self, row: int, fen: int) -> None:
        self.tally.add("revenue.vas", fen / FEN_PER_COIN)
        self.world.client_revenue.add("vas", row, fen / FEN_PER_COIN)

    # Measured

    def interval_row(self) -> dict[str, float]:
        return self.tally.interval_row()

    def intervals(self) -> Intervals:
        """Fees are a compound sum over the charges; joins, renewals, lapses are counts."""
        return present(
            {
                name: self.tally.compound(name) if "revenue" in name else poisson_count(value)
                for name, value in self.tally.window.items()
            }
        )

    def metrics(self) -> dict[str, tuple[float, str]]:
        window = self.tally.window.items()
        return {name: (value, "coins" if "revenue" in name else "count") for name, value in window}
