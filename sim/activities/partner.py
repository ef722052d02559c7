"""The commerce partner of `diversion` commerce: its account, its marketing fees, its revenue.

With `economy.commerce.model: diversion`, product posts link to a partner's store off the
platform (Taobao, for Weibo in 2013-2014), and the partner pays the platform marketing fees
(`economy.commerce.partner`) through the ledger (`partners.charge`, path `partner_fee`):

- its contract, `contract_per_week` for the whole represented platform, booked at the start
  of every simulated day as a seventh of it times `users / population.represents` (the
  sample's share of the platform the contract covers);
- `diversion_fee` for each diversion, a user following a product link (the commerce
  activity decides when one happens and what the partner's store then sells).

The partner is one account registered for the run; it settles what each fee needs from
outside the platform (an operator's seed credit, kind `seed`, just before the charge), so
its fees never fail for want of coins. Measured: `revenue.partner`, whose within-run
interval is a compound sum of the fees; the contract's daily booking is certain, yet
counted as one more event, so the interval errs wide.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from functools import partial
from typing import Any

from microblog.models import Role
from microblog.money_models import PartnerFee
from microblog.services.accounts import NewAccount
from scenario.seed_draws import FEN_PER_YUAN
from sim.activities.base import Arrival, Call, Steps
from sim.activities.tally import Tally
from sim.arrivals import SECONDS_PER_DAY, Segment
from sim.intervals import Intervals, present
from sim.world import World

DAYS_PER_WEEK = 7
MEASURED = ("revenue.partner",)


class Partner:
    def __init__(self, world: World) -> None:
        self.world = world
        self.blog = world.blog
        config = world.scenario.economy.commerce.partner
        population = world.scenario.population
        self.fee_fen = round(config.diversion_fee * FEN_PER_YUAN)
        share = population.users / population.represented
        self.daily_contract_fen = round(
            config.contract_per_week / DAYS_PER_WEEK * share * FEN_PER_YUAN
        )
        ((account, _),) = self.blog.accounts.register_many([NewAccount("partner", Role.ADVERTISER)])
        self.account = account.id
        self.tally = Tally(world, MEASURED, MEASURED)
        self._keys = itertools.count(1)

    # The contract, day by day

    def arrivals(self, segment: Segment) -> list[Arrival]:
        """The day's contract payment, at the first moment of every day."""
        if self.daily_contract_fen == 0:
            return []
        day_start = math.ceil(segment.start_s / SECONDS_PER_DAY) * SECONDS_PER_DAY
        if day_start >= segment.end_s:
            return []
        row = self.world.row(self.account)
        return [Arrival(day_start, row, self._contract, None, False)]

    def _contract(self, _row: int, _plan: Any) -> Steps:
        yield self._fee(self.daily_contract_fen, None, None, None)

    # Diversions

    def diversion(self, row: int, post_id: int | None, then: Callable[[], None]) -> Call:
        """The call of one diversion of the user at `row`, through product post `post_id`
        (None: from a shop page): bill its fee, then `then()` (what the partner's store
        makes of it)."""
        return self._fee(self.fee_fen, row, post_id, then)

    def _fee(
        self, amount_fen: int, row: int | None, post_id: int | None,
        then: Callable[[], None] | None,
    ) -> Call:  # fmt: skip
        """The call billing one fee, a diversion's (of the user at `row`) or the contract's."""
        key = f"sim-partner-{next(self._keys)}"
        action = partial(self._charge, amount_fen, row, post_id, key, then)
        params = {"amount_fen": amount_fen, "post_id": post_id, "idempotency_key": key}
        return Call("partner_fee", action, params)

    def _charge(
        self, amount_fen: int, row: int | None, post_id: int | None, key: str,
        then: Callable[[], None] | None,
    ) -> PartnerFee | None:  # fmt: skip
        fee = None
        if amount_fen > 0:
            short = amount_fen - self.blog.payments.balance(self.account)
            if short > 0:
                self.blog.payments.seed_credits([(self.account, short)])
            fee = self.blog.partners.charge(
                self.account, amount_fen, post_id=post_id, idempotency_key=key
            )
            self.tally.add("revenue.partner", amount_fen)
            if row is not None:
                self.world.client_revenue.add("partner", row, amount_fen / FEN_PER_YUAN)
        if then is not None:
            then()
        return fee

    # Measurement

    def interval_row(self) -> dict[str, float]:
        return {name: value / FEN_PER_YUAN for name, value in self.tally.interval_row().items()}

    def intervals(self) -> Intervals:
        return present({name: self.tally.compound(name, 1 / FEN_PER_YUAN) for name in MEASURED})

    def metrics(self) -> dict[str, tuple[float, str]]:
        return {name: (value / FEN_PER_YUAN, "coins") for name, value in self.tally.window.items()}
