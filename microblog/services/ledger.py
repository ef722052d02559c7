"""The double-entry ledger: every coin movement is a transfer between two ledger accounts.

A business operation (an order, a game purchase) posts several legs inside the caller's
write transaction. `check` refuses before anything changes when a payer cannot cover its
legs (the memory backend has no rollback); `apply` then moves the coins with conditional
debits, so even a missed check can only fail the transaction, never overdraw an account.

Invariant (checked to the fen by `microblog.services.audit`): the balances of all ledger
accounts sum to zero. The issuance account is the only one that runs negative: it holds
minus the coins in circulation, so wallets, revenue and developer accounts together hold
exactly the coins issued by top-ups minus the coins redeemed by withdrawals.

A ledger may hold only some accounts' wallets (one shard of a platform split by account):
then a `Clearing` decides where a credit lands, the payee's wallet when it is held here,
else this ledger's clearing account for the shard that holds it, which settles the
credit there (`sim.shards.clearing`). The debit always stays here, at once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Protocol

from microblog.errors import Conflict, InsufficientFunds, Invalid, NotFound
from microblog.money_models import (
    MAY_RUN_NEGATIVE,
    Audit,
    LedgerAccount,
    LedgerKind,
    Transfer,
    TransferKind,
)
from microblog.services.audit import audit_books
from microblog.services.context import Context
from microblog.store.base import Tx

BASIS_POINTS = 10_000


@dataclass(frozen=True, slots=True)
class Leg:
    """One transfer of a posting, between ledger account ids."""

    payer: int
    payee: int
    amount_fen: int
    kind: TransferKind

    def reversed(self) -> Leg:
        """The leg that undoes this one (refunds)."""
        return Leg(self.payee, self.payer, self.amount_fen, TransferKind.REFUND)


def coins(fen: int) -> str:
    """Fen as coins for messages: 1234 -> '12.34 coins'."""
    whole, cents = divmod(abs(fen), 100)
    return f"{'-' if fen < 0 else ''}{whole:,}.{cents:02d} coins"


def cut(amount_fen: int, share: float) -> int:
    """A share of an amount, in whole basis points, rounded down to the fen."""
    return amount_fen * round(share * BASIS_POINTS) // BASIS_POINTS


def check_count(value: int, limit: int, field: str, unit: str = "fen", lowest: int = 1) -> None:
    """Amounts, quantities and stock are whole numbers in range (never bool or float)."""
    if type(value) is not int or not lowest <= value <= limit:
        raise Invalid(
            f"{field} must be a whole number of {unit} from {lowest} to {limit:,}, got {value!r}",
            field=field,
        )


def require_account_and_post(tx: Tx, account_id: int, field: str, post_id: int | None) -> None:
    """The other party of a payment exists, and so does the post it is paid through (if any):
    checked inside the transfer's transaction, so a 404 names the field that was wrong."""
    if tx.accounts.get(account_id) is None:
        raise NotFound(f"no account {account_id}", field=field)
    if post_id is not None and tx.posts.get(post_id) is None:
        raise NotFound(f"no post {post_id}", field="post_id")


def describe(account: LedgerAccount) -> str:
    """Who owns a ledger account, for messages."""
    return {
        LedgerKind.WALLET: f"the wallet of account {account.owner_id}",
        LedgerKind.ISSUANCE: "the issuance account",
        LedgerKind.PLATFORM: "the platform's revenue account",
        LedgerKind.DEVELOPER: f"the developer account of game {account.owner_id}",
        LedgerKind.CLEARING: f"the clearing account for shard {account.owner_id}",
    }[account.kind]


class Clearing(Protocol):
    """Where the credits of a ledger that holds only some wallets go."""

    def holder(self, ledger_id: int) -> int | None:
        """The shard holding this ledger account when it is a wallet held elsewhere, else None."""
        ...

    def send(self, shard: int, leg: Leg, moved: Transfer) -> None:
        """Send `shard` the credit of `leg`, which `moved` put into the clearing account for
        it here; the transfer's id keys it there (made once, under the payment's
        idempotency key), so a credit applied twice pays once."""
        ...


class Ledger:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.clearing: Clearing | None = None
        """Set on a shard of a platform split by account; None holds every wallet."""

    @staticmethod
    def wallet(tx: Tx, account_id: int) -> int:
        """The ledger id of an account's wallet (every account has one, opened on first use)."""
        return tx.ledger.open(LedgerKind.WALLET, account_id).id

    @staticmethod
    def system(tx: Tx, kind: LedgerKind, owner_id: int = 0) -> int:
        return tx.ledger.open(kind, owner_id).id

    @staticmethod
    def check(tx: Tx, legs: list[Leg], *, wait: bool = True) -> None:
        """Refuse (409, naming the shortfall) when a payer cannot cover all it pays here;
        with `wait=False`, raise `Busy` rather than wait for another writer's locks."""
        owed: defaultdict[int, int] = defaultdict(int)
        for leg in legs:
            owed[leg.payer] += leg.amount_fen
        accounts = tx.ledger.lock([i for leg in legs for i in (leg.payer, leg.payee)], wait=wait)
        for payer, amount in owed.items():
            account = accounts[payer]
            if account.kind not in MAY_RUN_NEGATIVE and account.balance_fen < amount:
                raise InsufficientFunds(
                    f"{describe(account)} holds {coins(account.balance_fen)} but "
                    f"{coins(amount)} are needed: short by {coins(amount - account.balance_fen)}",
                    field="amount_fen",
                )

    def apply(self, tx: Tx, legs: list[Leg], ref_id: int | None) -> list[Transfer]:
        """Move the coins of checked legs; zero legs (a cut rounded to nothing) are skipped."""
        now = self.ctx.clock()
        transfers = []
        for leg in legs:
            if leg.amount_fen == 0:
                continue
            holder = None if self.clearing is None else self.clearing.holder(leg.payee)
            payee = leg.payee if holder is None else self.system(tx, LedgerKind.CLEARING, holder)
            moved = tx.ledger.transfer(leg.payer, payee, leg.amount_fen, leg.kind, ref_id, now)
            if moved is None:
                raise Conflict(f"ledger account {leg.payer} cannot cover {coins(leg.amount_fen)}")
            if self.clearing is not None and holder is not None:
                self.clearing.send(holder, leg, moved)
            transfers.append(moved)
        return transfers

    def post(
        self, tx: Tx, legs: list[Leg], ref_id: int | None, *, wait: bool = True
    ) -> list[Transfer]:
        """Check, then apply: the whole posting or nothing."""
        self.check(tx, legs, wait=wait)
        return self.apply(tx, legs, ref_id)

    def balance(self, account_id: int) -> int:
        """Fen in an account's wallet (0 before its first movement)."""
        with self.ctx.store.read() as tx:
            wallet = tx.ledger.find(LedgerKind.WALLET, account_id)
        return 0 if wallet is None else wallet.balance_fen

    def audit(self) -> Audit:
        """Check the books to the fen in one consistent read: a snapshot, since its checks
        compare tables that every transfer changes together."""
        with self.ctx.store.snapshot() as tx:
            return audit_books(tx)
