"""Payment traffic: mixed users top up, give gifts, buy game items and order goods.

A `Payer` is the payment side of one mixed user (loadtests/generator/users/timeline.py), which pays
with the weight `loadtest.tasks.payment`. Each payment is one kind drawn by
`loadtest.payments`: a top-up of an amount and through a channel drawn from
`behaviour.topup` (timed as `topup`), a gift of `loadtest.gift_coins` to another ordinary
account or a purchase of 1 + Poisson(`behaviour.games.items_per_purchase` - 1) units of a
game item (both `payment`), or an order for one unit of a seeded product (`purchase`).

Every call carries a fresh `Idempotency-Key`; a `loadtest.retry_share` of answered calls
is sent again at once with the same key and body, as a client retrying after a lost
answer would. A declined top-up (402) and a pending one (202) are answers, not errors.
Each call, its answer and its retry's go into the process's PaymentLog, also when the
end of the test cuts the call off (loadtests.records.payment_log and ledger_check judge them).
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, get_args

from loadtests.control.seed_money import FEN_PER_COIN, Priced, SeededEconomy
from loadtests.generator.measure import RECORDER
from loadtests.records.payment_log import ACCEPTED, Answer, PaymentCall, PaymentKind
from loadtests.records.plan import current_plan

if TYPE_CHECKING:
    from loadtests.generator.users.base import FanoutUser

KEY_HEADER = "Idempotency-Key"
REQUEST_NAMES: dict[PaymentKind, str] = {
    "topup": "topup",
    "gift": "payment",
    "game_item": "payment",
    "order": "purchase",
}
"""Latency path of each kind of payment (outcomes/metrics.py)."""


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
        self.kinds = [kind for kind in get_args(PaymentKind) if getattr(weights, kind)]
        total = sum(getattr(weights, kind) for kind in self.kinds)
        self.shares = [getattr(weights, kind) / total for kind in self.kinds]

    def pay(self) -> None:
        """One payment, retried with its key for a `retry_share` of calls."""
        kind = self.kinds[self.user.rng.choice(len(self.kinds), p=self.shares)]
        path, body = self._request(kind)
        key = f"{self.user.tag}-{next(self.written)}"
        call = PaymentCall(kind=kind, account_id=self.account_id, path=path, body=body, key=key)
        try:
            call.answer = self._send(call)
            retry_share = self.user.scenario.loadtest.retry_share
            if call.answer is not None and self.user.rng.random() < retry_share:
                call.retry = self._send(call)
        finally:  # also when the end of the test cuts the call off
            RECORDER.payments.record(call)

    def _request(self, kind: PaymentKind) -> tuple[str, dict[str, Any]]:
        rng, scenario = self.user.rng, self.user.scenario
        wallet = f"/wallets/{self.account_id}"
        match kind:
            case "topup":
                topup = scenario.behaviour.topup
                amount = rng.choice(list(topup.amounts), p=list(topup.amounts.values()))
                channel = rng.choice(list(topup.channels), p=list(topup.channels.values()))
                body = {"amount_fen": int(amount) * FEN_PER_COIN, "channel": str(channel)}
                return f"{wallet}/topups", body
            case "gift":
                coins = rng.uniform(*scenario.loadtest.gift_coins)
                amount_fen = max(1, round(coins * FEN_PER_COIN))
                recipient = int(rng.choice(self.others))
                return f"{wallet}/gifts", {"recipient_id": recipient, "amount_fen": amount_fen}
            case "game_item":
                extra = rng.poisson(scenario.behaviour.games.items_per_purchase - 1)
                item = self._pick(self.economy.game_items)
                return f"/games/items/{item.id}/purchases", {"quantity": 1 + int(extra)}
            case "order":
                product = self._pick(self.economy.products)
                return "/orders", {"product_id": product.id, "quantity": 1}

    def _pick(self, choices: list[Priced]) -> Priced:
        return choices[self.user.rng.choice(len(choices))]

    def _send(self, call: PaymentCall) -> Answer | None:
        """Send the call with its key; its answer, None when none arrived."""
        headers = {**self.headers, KEY_HEADER: call.key}
        name = REQUEST_NAMES[call.kind]
        with self.user.client.post(
            call.path, json=call.body, headers=headers, name=name, catch_response=True
        ) as response:
            if response.status_code in ACCEPTED:
                response.success()  # declined or pending is the gateway's answer, not an error
            if not response.status_code:
                return None  # no answer: the check after the run asks the server again
            return Answer(status=response.status_code, body=response.json())
