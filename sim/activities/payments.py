"""Payments: wallet top-ups through the gateway, game item purchases and gifts, in coins.

In a session, each with its `per_session` probability (game purchases only for the
`games.paying_user_share` of accounts, drawn once per replication):

- a top-up (`topup`) of an amount and through a channel drawn from `topup.amounts` and
  `topup.channels`. It goes through the microblog's gateway, whose latency (exponential,
  `economy.topup.latency_ms`) is charged to the call's latency in simulated time and whose
  declines (`economy.topup.failure_rate`) credit nothing. When the platform stops waiting
  (the gateway's `timeout_ms`), the top-up stays pending and the gateway's late callback
  settles it at its due moment (`topup_callback`);
- a game purchase (`game_purchase`) of `1 + Poisson(items_per_purchase − 1)` units of an item
  drawn uniformly from the catalogue;
- a gift (`gift`) of `gifts.coins` to an account the user follows.

Wallets are real ledger balances, holding `economy.starting_balance` from the first payment
on (`sim.wallets`). A payment the wallet cannot cover is refused by the
ledger (`InsufficientFunds`: an expected refusal, counted in `errors.refused`, not in
`errors.rate`); the user then tops up the smallest amount tier covering the shortfall and
pays again if that top-up was confirmed at once, else gives up (no tier covers it, declined
or pending).

Measured: `revenue.games` (the platform's share of game sales, as the ledger moved it),
`payments.topups` and their outcomes, `payments.topup_volume` (confirmed, yuan),
`payments.game_purchases`, `payments.game_spend`, `payments.gifts`, `payments.gift_volume`,
and `payments.audit_balanced` (the ledger audit at the end of the run). With game
purchases off (no share or no paying users) the game metrics are absent, not zero.
"""

from __future__ import annotations

import itertools
from collections.abc import Generator
from functools import partial
from typing import Any

import numpy as np

from microblog.errors import InsufficientFunds
from microblog.money_models import Gift, Purchase, TopUp, TopUpChannel, TopUpStatus
from microblog.services.gateway import SimulatedGateway
from sim.activities.base import Arrival, Call, Refused, Steps, succeeded
from sim.activities.tally import Tally
from sim.intervals import Intervals, present
from sim.wallets import Wallets
from sim.world import World

FEN_PER_COIN = 100
NOTHING = -1

PaymentsPlan = tuple[int, int, int, int, int]
"""Top-up tier (NOTHING for none), channel, game item (NOTHING for none), units, gift fen
(0 for none)."""

COUNTS = (
    "revenue.games",
    "payments.topups",
    "payments.topups_confirmed",
    "payments.topups_declined",
    "payments.topups_late",
    "payments.topup_volume",
    "payments.game_purchases",
    "payments.game_spend",
    "payments.gifts",
    "payments.gift_volume",
)
TIMESERIES = ("revenue.games", "payments.topups", "payments.topup_volume")
"""The counts also reported per timeseries interval."""
GAME_COUNTS = ("revenue.games", "payments.game_purchases", "payments.game_spend")
MONEY = {"revenue.games": "coins", "payments.game_spend": "coins",
         "payments.gift_volume": "coins", "payments.topup_volume": "yuan"}  # fmt: skip
"""Counts of money, tallied in whole fen (exact) and reported in coins or yuan."""


class Payments:
    def __init__(self, world: World, wallets: Wallets) -> None:
        self.world = world
        self.wallets = wallets
        blog = world.blog
        self.payments = blog.payments
        self.games = blog.games
        gateway = self.payments.gateway
        assert isinstance(gateway, SimulatedGateway), "the simulator seeds a simulated gateway"
        self.gateway = gateway
        behaviour = world.scenario.behaviour
        self.chances = behaviour.per_session
        self.tiers_fen = np.array(list(behaviour.topup.amounts)) * FEN_PER_COIN
        self.tier_shares = np.array(list(behaviour.topup.amounts.values()))
        self.tiers_ascending = np.sort(self.tiers_fen)
        self.channels = [TopUpChannel(name) for name in behaviour.topup.channels]
        self.channel_shares = np.array(list(behaviour.topup.channels.values()))
        self.extra_units = behaviour.games.items_per_purchase - 1.0
        self.gift_coins = behaviour.gifts.coins
        self.items = [(item.id, item.price_fen) for game in self.games.catalogue()
                      for item in game.items]  # fmt: skip
        self.payer = world.rng.random(world.population.size) < behaviour.games.paying_user_share
        self.games_on = self.chances.game_purchase > 0 and behaviour.games.paying_user_share > 0
        """Game sales are a revenue stream of this scenario (else their metrics are absent)."""
        counts = COUNTS if self.games_on else [n for n in COUNTS if n not in GAME_COUNTS]
        self.tally = Tally(world, counts, TIMESERIES)
        self._keys = itertools.count(1)

    def plan(self, rows: np.ndarray) -> list[PaymentsPlan | None]:
        rng, n, chances = self.world.rng, rows.size, self.chances
        top_up = rng.random(n) < chances.top_up
        game = (rng.random(n) < chances.game_purchase) & self.payer[rows]
        gift = rng.random(n) < chances.gift
        paying = np.flatnonzero(top_up | game | gift)
        k = paying.size
        tiers = np.where(
            top_up[paying], rng.choice(self.tiers_fen.size, k, p=self.tier_shares), NOTHING
        )
        channels = rng.choice(len(self.channels), k, p=self.channel_shares)
        items = np.where(game[paying], rng.integers(len(self.items), size=k), NOTHING)
        quantities = 1 + rng.poisson(self.extra_units, k)
        gift_fen = np.maximum(1, np.round(rng.uniform(*self.gift_coins, k) * FEN_PER_COIN))
        gift_fen = np.where(gift[paying], gift_fen, 0).astype(np.int64)
        plans: list[PaymentsPlan | None] = [None] * n
        drawn = zip(paying.tolist(), tiers.tolist(), channels.tolist(), items.tolist(),
                    quantities.tolist(), gift_fen.tolist(), strict=True)  # fmt: skip
        for at, tier, channel, item, units, fen in drawn:
            plans[at] = (tier, channel, item, units, fen)
        return plans

    def steps(self, row: int, plan: PaymentsPlan) -> Steps:
        tier, channel_at, item, units, gift_fen = plan
        channel = self.channels[channel_at]
        if tier != NOTHING:
            yield from self.top_up(row, int(self.tiers_fen[tier]), channel)
        if item != NOTHING:
            yield from self.buy_item(row, item, units, channel)
        if gift_fen:
            followees = self.world.population.follows.row(row)
            if followees.size:
                to = self.world.account(int(followees[self.world.draws.index(followees.size)]))
                yield from self.give(row, to, gift_fen, channel)

    def top_up(
        self, row: int, amount_fen: int, channel: TopUpChannel
    ) -> Generator[Call, Any, TopUp | None]:
        """Top up through the gateway; a pending answer is settled by its late callback."""
        key = self._key()
        action = partial(self._top_up, row, amount_fen, channel, key)
        params = {"amount_fen": amount_fen, "channel": channel.value, "idempotency_key": key}
        topup = yield Call("topup", action, params)
        return topup if succeeded(topup) else None

    def buy_item(self, row: int, item: int, units: int, channel: TopUpChannel) -> Steps:
        item_id, price_fen = self.items[item]
        key = self._key()
        action = partial(self._buy, self.world.account(row), item_id, units, key)
        params = {"item_id": item_id, "quantity": units, "idempotency_key": key}
        call = Call("game_purchase", action, params, (InsufficientFunds,))
        yield from self._pay(row, price_fen * units, channel, call)

    def give(self, row: int, to: int, amount_fen: int, channel: TopUpChannel) -> Steps:
        key = self._key()
        action = partial(self._give, self.world.account(row), to, amount_fen, key)
        params = {"recipient_id": to, "amount_fen": amount_fen, "idempotency_key": key}
        call = Call("gift", action, params, (InsufficientFunds,))
        yield from self._pay(row, amount_fen, channel, call)

    # The service calls, counted as they happen (a session cut off by the end of the run
    # has still paid what it paid).

    def _top_up(self, row: int, amount_fen: int, channel: TopUpChannel, key: str) -> TopUp:
        account = self.world.account(row)
        topup = self.payments.top_up(account, amount_fen, channel, idempotency_key=key)
        self.tally.add("payments.topups")
        if topup.status is TopUpStatus.PENDING:
            self.tally.add("payments.topups_late")
            self._await_callback(row, topup)
        self._settled(topup)
        return topup

    def _buy(self, account: int, item_id: int, units: int, key: str) -> Purchase:
        purchase = self.games.buy(account, item_id, units, idempotency_key=key)
        self.tally.add("payments.game_purchases")
        self.tally.add("payments.game_spend", purchase.amount_fen)
        self.tally.add("revenue.games", purchase.platform_fen)
        self.world.client_revenue.add(
            "games", self.world.row(account), purchase.platform_fen / FEN_PER_COIN
        )
        return purchase

    def _give(self, account: int, to: int, amount_fen: int, key: str) -> Gift:
        gift = self.payments.gift(account, to, amount_fen, idempotency_key=key)
        self.tally.add("payments.gifts")
        self.tally.add("payments.gift_volume", amount_fen)
        return gift

    def _deliver_callbacks(self) -> list[TopUp]:
        settled = self.payments.deliver_callbacks()
        for topup in settled:
            self._settled(topup)
        return settled

    def _pay(self, row: int, amount_fen: int, channel: TopUpChannel, call: Call) -> Steps:
        """Make a payment; when the wallet is short, top up to cover it and pay again once.

        The refused request was not stored under its idempotency key, so the second try
        with the same key runs afresh.
        """
        self.wallets.ensure(row, self.world.account(row))
        paid = yield call
        if isinstance(paid, Refused) and isinstance(paid.error, InsufficientFunds):
            # The refusal named the shortfall; the app shows the balance it is computed from.
            shortfall = amount_fen - self.payments.balance(self.world.account(row))
            smallest = int(np.searchsorted(self.tiers_ascending, shortfall))
            if smallest == self.tiers_ascending.size:
                return
            tier = int(self.tiers_ascending[smallest])
            topup = yield from self.top_up(row, tier, channel)
            if topup is not None and topup.status is TopUpStatus.CONFIRMED:
                yield call

    def _settled(self, topup: TopUp) -> None:
        if topup.status is TopUpStatus.CONFIRMED:
            self.tally.add("payments.topups_confirmed")
            self.tally.add("payments.topup_volume", topup.amount_fen)
        elif topup.status is TopUpStatus.FAILED:
            self.tally.add("payments.topups_declined")

    def _await_callback(self, row: int, topup: TopUp) -> None:
        """Schedule the gateway's late callback for a pending top-up at its due moment."""
        due = next(c.due_at for c in self.gateway.pending_callbacks() if c.topup_id == topup.id)
        at_s = self.world.env.now + (due - self.gateway.clock())
        self.world.start_at(Arrival(at_s, row, self._callback, topup.id, False))

    def _callback(self, _row: int, topup_id: int) -> Steps:
        yield Call("topup_callback", self._deliver_callbacks, {"topup_id": topup_id})

    def _key(self) -> str:
        return f"sim-{next(self._keys)}"

    def interval_row(self) -> dict[str, float]:
        return {name: _reported(name, value) for name, value in self.tally.interval_row().items()}

    def intervals(self) -> Intervals:
        """Money moved is a compound sum of its payments (`sim.intervals`)."""
        tallied = [name for name in MONEY if name in self.tally.window]
        return present({name: self.tally.compound(name, 1 / FEN_PER_COIN) for name in tallied})

    def metrics(self) -> dict[str, tuple[float, str]]:
        found = {
            name: (_reported(name, value), MONEY.get(name, "count"))
            for name, value in self.tally.window.items()
        }
        found["payments.audit_balanced"] = (float(self.world.blog.ledger.audit().balanced), "bool")
        return found


def _reported(name: str, value: float) -> float:
    """A tallied count as reported: money from fen to coins (or yuan, at par)."""
    return value / FEN_PER_COIN if name in MONEY else value
