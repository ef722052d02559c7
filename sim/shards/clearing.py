"""Payments between shards, through per-shard clearing accounts (docs/sharding.md).

A shard's ledger holds the wallets of the accounts it owns and nobody else's. A payment is
made where its payer lives, in one local transaction: the payer's debit at once, and each
credit to a wallet another shard holds into this shard's clearing account for that shard
(`Ledger.clearing` asks `holder`), which then sends that shard a `credit` message. At the
barrier the holder applies it in one transaction of its own: its clearing account for the
sender pays the payee, under the idempotency key of the sending transfer, so a credit
applied twice pays once. A payee that does not take the credit (the service refuses it:
the account is gone) gets nothing, and the sender is sent a `refund`, applied at the next
barrier the same way: its clearing account for the refuser pays the payer back.

Clearing accounts may run negative; each shard's books balance on their own at every
moment, and all shards' clearing accounts together hold exactly the money in flight (sent
and not yet applied), which `union_books` checks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from microblog.errors import DomainError, NotFound
from microblog.money_models import Audit, LedgerKind, Transfer, TransferKind
from microblog.platform import Microblog
from microblog.services.audit import audit_union
from microblog.services.idempotency import Idempotency
from microblog.services.ledger import Leg
from microblog.store.base import Tx
from microblog.store.memory import MemoryStore

Send = Callable[[int, str, tuple[Any, ...]], None]
"""Put a message for a shard (target, kind, payload) in this shard's outbox."""


class Books(NamedTuple):
    """A shard's ledger audit, with the money it has sent other shards (credits, refunds)
    and applied from them (paid out of its clearing accounts, or refused) so far, in fen:
    a message applied twice moves money once and counts once."""

    audit: Audit
    sent_fen: int
    applied_fen: int


def union_books(parts: Sequence[Books]) -> Audit:
    """Every shard's books checked as one (`audit_union`): whatever was sent and not yet
    applied is in flight, and only that may sit in clearing accounts."""
    in_flight = sum(p.sent_fen for p in parts) - sum(p.applied_fen for p in parts)
    return audit_union([p.audit for p in parts], in_flight)


class ShardClearing:
    """One shard's clearing: the ledger's `Clearing`, and the credits and refunds applied."""

    def __init__(
        self, blog: Microblog, owner: np.ndarray, first_account: int, shard: int, send: Send
    ) -> None:
        store = blog.store
        assert isinstance(store, MemoryStore), "shards hold the memory store"
        self.ledger = blog.ledger
        self.ledger_accounts = store.data.money.ledger
        self.owner = owner
        self.first_account = first_account
        self.shard = shard
        self._send = send
        self.keys = Idempotency(blog.ctx)
        self.sent_fen = 0
        self.applied_fen = 0
        self.held_past_population: dict[int, int] = {}
        """Shards holding wallets of accounts past the population's rows, by account id
        (apps' developers: their sales clear to one shard, as a user's gifts do); other such
        accounts (the platform's own, a commerce partner) are every shard's alike."""

    def install(self) -> None:
        """From now on, credits to wallets other shards hold go through clearing."""
        self.ledger.clearing = self

    # The ledger's side (`microblog.services.ledger.Clearing`)

    def holder(self, ledger_id: int) -> int | None:
        """A routing lookup by the account id the ledger row names (no priced read: the
        transaction read the row already)."""
        account = self.ledger_accounts[ledger_id]
        if account.kind is not LedgerKind.WALLET:
            return None  # system accounts: every shard keeps its own
        row = account.owner_id - self.first_account
        if 0 <= row < self.owner.size:
            shard: int | None = int(self.owner[row])
        else:
            shard = self.held_past_population.get(account.owner_id)
        return None if shard == self.shard else shard

    def send(self, shard: int, leg: Leg, moved: Transfer) -> None:
        payee = self.ledger_accounts[leg.payee].owner_id
        payload = (self.shard, moved.id, leg.payer, payee, moved.amount_fen, moved.kind,
                   moved.ref_id)  # fmt: skip
        self._post(shard, "credit", payload, moved.amount_fen)

    # The messages' side (`sim.shards.replica`)

    def credit(
        self, source: int, transfer_id: int, payer_ledger_id: int, payee_id: int,
        amount_fen: int, kind: TransferKind, ref_id: int | None,
    ) -> None:  # fmt: skip
        """Pay the payee from the clearing account for `source`, once per sending transfer;
        a refused credit goes back as a refund (moving nothing here)."""
        request: dict[str, object] = {"op": "clearing_credit", "source": source,
                                      "transfer_id": transfer_id}  # fmt: skip

        def pay(tx: Tx) -> Transfer:
            if tx.accounts.get(payee_id) is None:
                raise NotFound(f"no account {payee_id}", field="payee_id")
            payee = self.ledger.wallet(tx, payee_id)
            return self._settle(tx, source, payee, amount_fen, kind, ref_id)

        key = f"clearing-{source}-{transfer_id}"
        try:
            self.keys.once(payee_id, key, request, Transfer, pay)
        except DomainError:
            self.applied_fen += amount_fen
            payload = (self.shard, transfer_id, payer_ledger_id, amount_fen, ref_id)
            self._post(source, "refund", payload, amount_fen)

    def refund(
        self, source: int, transfer_id: int, payer_ledger_id: int, amount_fen: int,
        ref_id: int | None,
    ) -> None:  # fmt: skip
        """Pay the payer back from the clearing account for `source` (which refused the
        credit of this shard's transfer `transfer_id`), once."""
        payer_id = self.ledger_accounts[payer_ledger_id].owner_id
        request: dict[str, object] = {"op": "clearing_refund", "source": source,
                                      "transfer_id": transfer_id}  # fmt: skip
        self.keys.once(
            payer_id, f"clearing-refund-{transfer_id}", request, Transfer,
            lambda tx: self._settle(tx, source, payer_ledger_id, amount_fen,
                                    TransferKind.REFUND, ref_id),
        )  # fmt: skip

    def books(self) -> Books:
        return Books(self.ledger.audit(), self.sent_fen, self.applied_fen)

    def _settle(
        self, tx: Tx, source: int, payee: int, amount_fen: int, kind: TransferKind,
        ref_id: int | None,
    ) -> Transfer:  # fmt: skip
        """Pay out of the clearing account for `source`: what `source` sent has arrived."""
        clearing = self.ledger.system(tx, LedgerKind.CLEARING, source)
        (moved,) = self.ledger.post(tx, [Leg(clearing, payee, amount_fen, kind)], ref_id)
        self.applied_fen += amount_fen
        return moved

    def _post(self, target: int, kind: str, payload: tuple[Any, ...], amount_fen: int) -> None:
        self.sent_fen += amount_fen
        self._send(target, kind, payload)
