"""Payments between two shards' ledgers through their clearing accounts, without Ray: the
payer is debited at once, the payee credited when the message is applied, once however
often it is applied, and refunded when the payee's shard refuses; the union of the books
balances with exactly the money in flight in the clearing accounts."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from microblog.config import PlatformConfig
from microblog.money_models import LedgerKind
from microblog.platform import Microblog
from microblog.services.accounts import NewAccount
from microblog.services.audit import audit_union
from microblog.store import open_store
from sim.shards.clearing import ShardClearing, union_books
from tests.microblog.conftest import CHEAP_HASHING
from tests.microblog.money_helpers import fund, key, ledger_balance

Wire = list[tuple[int, str, tuple[Any, ...]]]
ANN, BOB, CAT = 0, 1, 2
"""Population rows: Ann lives on shard 0, Bob and Cat on shard 1."""
OWNER = np.array([0, 1, 1], dtype=np.int32)


class Shards:
    """Two shards' microblogs with their clearing installed, and the messages between them."""

    def __init__(self, missing_on_1: tuple[str, ...] = ()) -> None:
        self.wire: Wire = []
        names = ("ann", "bob", "cat")
        (first_blog, self.ids), (second_blog, _) = (
            _blog(names), _blog(tuple(n for n in names if n not in missing_on_1))
        )  # fmt: skip
        self.blogs = [first_blog, second_blog]
        first = self.ids[0]
        self.clearings = [
            ShardClearing(blog, OWNER, first, shard, self._sender)
            for shard, blog in enumerate(self.blogs)
        ]
        for clearing in self.clearings:
            clearing.install()

    def _sender(self, target: int, kind: str, payload: tuple[Any, ...]) -> None:
        self.wire.append((target, kind, payload))

    def deliver(self) -> list[tuple[int, str, tuple[Any, ...]]]:
        """Apply what is on the wire (and return it, to apply again)."""
        sent, self.wire = self.wire, []
        for target, kind, payload in sent:
            getattr(self.clearings[target], kind)(*payload)
        return sent

    def balance(self, shard: int, row: int) -> int:
        return self.blogs[shard].payments.balance(self.ids[row])


def _blog(names: tuple[str, ...]) -> tuple[Microblog, list[int]]:
    """A shard's platform holding these accounts (ids in order from the same first id)."""
    ticks = itertools.count(1)
    blog = Microblog(
        open_store("memory"), PlatformConfig.model_validate(CHEAP_HASHING),
        clock=lambda: float(next(ticks)),
    )  # fmt: skip
    made = blog.accounts.register_many([NewAccount(name) for name in names])
    return blog, [account.id for account, _ in made]


def test_a_gift_to_another_shard_debits_at_once_and_credits_when_applied() -> None:
    shards = Shards()
    fund(shards.blogs[0], shards.ids[ANN], 1000)
    gift = shards.blogs[0].payments.gift(shards.ids[ANN], shards.ids[BOB], 300,
                                         idempotency_key=key())  # fmt: skip
    assert gift.amount_fen == 300
    assert shards.balance(0, ANN) == 700
    assert shards.balance(0, BOB) == 0  # Bob's wallet is shard 1's; shard 0 never credits it
    assert ledger_balance(shards.blogs[0], LedgerKind.CLEARING, 1) == 300
    in_flight = union_books([c.books() for c in shards.clearings])
    assert in_flight.balanced and in_flight.clearing_fen == 300
    audits = [c.books().audit for c in shards.clearings]
    assert not audit_union(audits, 0).balanced  # 300 fen in clearing, none said in flight

    (message,) = shards.deliver()
    assert message[:2] == (1, "credit")
    assert shards.balance(1, BOB) == 300
    assert ledger_balance(shards.blogs[1], LedgerKind.CLEARING, 0) == -300
    settled = union_books([c.books() for c in shards.clearings])
    assert settled.balanced and settled.clearing_fen == 0
    assert settled.circulating_fen == settled.issued_fen == 1000


def test_a_credit_applied_twice_pays_once() -> None:
    shards = Shards()
    fund(shards.blogs[0], shards.ids[ANN], 1000)
    shards.blogs[0].payments.gift(shards.ids[ANN], shards.ids[CAT], 250, idempotency_key=key())
    sent = shards.deliver()
    shards.wire = list(sent)
    shards.deliver()
    assert shards.balance(1, CAT) == 250
    assert shards.blogs[1].ledger.audit().transfers == 1
    assert union_books([c.books() for c in shards.clearings]).balanced


def test_a_credit_the_payees_shard_refuses_is_refunded_the_next_window() -> None:
    shards = Shards(missing_on_1=("cat",))  # Cat's account is gone from the shard holding it
    fund(shards.blogs[0], shards.ids[ANN], 1000)
    shards.blogs[0].payments.gift(shards.ids[ANN], shards.ids[CAT], 400, idempotency_key=key())
    shards.deliver()
    assert [kind for _, kind, _ in shards.wire] == ["refund"]
    refusing = union_books([c.books() for c in shards.clearings])
    assert refusing.balanced and refusing.clearing_fen == 400  # the refund is in flight
    assert shards.balance(0, ANN) == 600
    refund = shards.deliver()
    shards.wire = list(refund)
    shards.deliver()  # applied twice, refunded once
    assert shards.balance(0, ANN) == 1000
    settled = union_books([c.books() for c in shards.clearings])
    assert settled.balanced and settled.clearing_fen == 0


def test_a_payment_between_accounts_of_one_shard_stays_on_it() -> None:
    shards = Shards()
    fund(shards.blogs[1], shards.ids[BOB], 500)
    shards.blogs[1].payments.gift(shards.ids[BOB], shards.ids[CAT], 200, idempotency_key=key())
    assert shards.wire == []
    assert (shards.balance(1, BOB), shards.balance(1, CAT)) == (300, 200)
