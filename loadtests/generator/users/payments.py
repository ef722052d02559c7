"""Payment traffic: mixed users top up, give gifts, buy game items and order goods.

A `Payer` is the payment side of one mixed user (loadtests/generator/users/timeline.py), which pays
with the weight `loadtest.tasks.payment`. Each payment is one kind drawn by
`loadtest.payments`: a top-up of an amount and through a channel drawn from
`behaviour.topup` (`topup`), a gift of `loadtest.gift_coins` to another ordinary
account or a purchase of 1 + Poisson(`behaviour.games.items_per_purchase` - 1) units of a
game item (`gift`, `game_purchase`), or an order for one unit of a seeded product (`order`).

Every call carries a fresh `Idempotency-Key`; a `loadtest.retry_share` of answered calls
is sent again at once with the same key and body, as a client retrying after a lost
answer would. A declined top-up (402) and a pending one (202) are answers, not errors.
Each call, its answer and its retry's go into the process's PaymentLog, also when the
end of the test cuts the call off (loadtests.records.payment_log and ledger_check judge them).
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from loadtests.control.seed_money import FEN_PER_COIN, Priced, SeededEconomy
from loadtests.generator.users.api import Payment, game_purchase, gift, order, topup
from loadtests.records.plan import current_plan

if TYPE_CHECKING:
    from loadtests.generator.users.base import FanoutUser

KINDS = ("topup", "gift", "game_item", "order")
"""The `loadtest.payments` weights, one per kind of payment."""


class Payer:
    """The payment side of one user acting as the ordinary account `account`."""

    def __init__(self, user: FanoutUser, account: int) -> None:
        economy = current_plan().economy
        if economy is None:
            raise RuntimeError("payment users need a plan with a seeded economy")
        self.economy: SeededEconomy = economy
        self.user = user
        self.account_id = user.population.ids[account]
        self.headers = user.headers_of(account)
        self.written = itertools.count()
        ids = user.population.ids
        self.others = [ids[i] for i in user.population.ordinary if ids[i] != self.account_id]
        weights = user.scenario.loadtest.payments
        self.kinds = [kind for kind in KINDS if getattr(weights, kind)]
        total = sum(getattr(weights, kind) for kind in self.kinds)
        self.shares = [getattr(weights, kind) / total for kind in self.kinds]

    def pay(self) -> None:
        """One payment, retried with its key for a `retry_share` of calls."""
        kind = self.kinds[self.user.rng.choice(len(self.kinds), p=self.shares)]
        rng, scenario = self.user.rng, self.user.scenario
        retry = bool(rng.random() < scenario.loadtest.retry_share)
        payment = Payment(
            self.account_id, self.headers, f"{self.user.tag}-{next(self.written)}", retry
        )
        client = self.user.client
        match kind:
            case "topup":
                topup_ = scenario.behaviour.topup
                amount = rng.choice(list(topup_.amounts), p=list(topup_.amounts.values()))
                channel = rng.choice(list(topup_.channels), p=list(topup_.channels.values()))
                topup(client, payment, int(amount) * FEN_PER_COIN, str(channel))
            case "gift":
                coins = rng.uniform(*scenario.loadtest.gift_coins)
                gift(
                    client,
                    payment,
                    int(rng.choice(self.others)),
                    max(1, round(coins * FEN_PER_COIN)),
                )
            case "game_item":
                extra = rng.poisson(scenario.behaviour.games.items_per_purchase - 1)
                game_purchase(
                    client, payment, self._pick(self.economy.game_items).id, 1 + int(extra)
                )
            case _:
                order(client, payment, self._pick(self.economy.products).id, None)

    def _pick(self, choices: list[Priced]) -> Priced:
        return choices[self.user.rng.choice(len(choices))]
