"""Memory backend of the ledger, idempotency keys and top-ups (see `MemoryStore`).

Guarded changes (a debit, a top-up settlement) check their condition and change nothing
when it fails, exactly like the SQL backend's conditional updates.
"""

from __future__ import annotations

import itertools
from array import array
from collections import defaultdict
from dataclasses import dataclass, field

from microblog.errors import Conflict
from microblog.money_models import (
    MAY_RUN_NEGATIVE,
    Game,
    GameItem,
    IdempotencyRecord,
    LedgerAccount,
    LedgerKind,
    Order,
    Product,
    ProductPost,
    Shop,
    TopUp,
    TopUpChannel,
    TopUpStatus,
    Transfer,
    TransferKind,
)
from microblog.store.columns import ColumnTable
from microblog.store.paging import page_sorted
from microblog.store.records import replace
from microblog.work import record

JOURNAL_FIELDS = {
    "debit_id": "q",
    "credit_id": "q",
    "amount_fen": "q",
    "kind": "b",
    "ref_id": "q",
    "created_at": "d",
}
"""The journal's columns: `kind` is an index into `KINDS`, `ref_id` is `NO_REF` for None."""
KINDS = tuple(TransferKind)
KIND_INDEX = {kind: at for at, kind in enumerate(KINDS)}
NO_REF = -1
"""Stored for a transfer with no `ref_id` (every stored id is positive)."""


def _ids() -> array[int]:
    return array("q")


def _transfer(journal: ColumnTable, transfer_id: int) -> Transfer:
    debit_id, credit_id, amount_fen, kind, ref_id, created_at = journal[transfer_id]
    return Transfer(
        transfer_id,
        int(debit_id),
        int(credit_id),
        int(amount_fen),
        KINDS[int(kind)],
        None if ref_id == NO_REF else int(ref_id),
        created_at,
    )


@dataclass
class MoneyData:
    """Every money table of the memory backend; ids come from per-table counters."""

    ids: defaultdict[str, itertools.count[int]] = field(
        default_factory=lambda: defaultdict(lambda: itertools.count(1))
    )
    ledger: dict[int, LedgerAccount] = field(default_factory=dict)
    ledger_index: dict[tuple[LedgerKind, int], int] = field(default_factory=dict)
    journal: ColumnTable = field(default_factory=lambda: ColumnTable(JOURNAL_FIELDS))
    journal_of: defaultdict[int, array[int]] = field(default_factory=lambda: defaultdict(_ids))
    """Ledger account -> its transfers' ids, ascending (8 bytes each, no boxed ints)."""
    keys: defaultdict[int, dict[str, IdempotencyRecord]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    """Account -> its idempotency keys (nested, not keyed by pairs: no tuple per key)."""
    topups: dict[int, TopUp] = field(default_factory=dict)
    games: dict[int, Game] = field(default_factory=dict)
    items: dict[int, GameItem] = field(default_factory=dict)
    shops: dict[int, Shop] = field(default_factory=dict)
    shop_of: dict[int, int] = field(default_factory=dict)
    products: dict[int, Product] = field(default_factory=dict)
    shop_products: defaultdict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    post_links: dict[int, ProductPost] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    buyer_orders: defaultdict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    shop_orders: defaultdict[int, list[int]] = field(default_factory=lambda: defaultdict(list))

    def next_id(self, table: str) -> int:
        return next(self.ids[table])


class MemoryLedger:
    def __init__(self, data: MoneyData) -> None:
        self.d = data

    def find(self, kind: LedgerKind, owner_id: int) -> LedgerAccount | None:
        ledger_id = self.d.ledger_index.get((kind, owner_id))
        record(db_reads=0 if ledger_id is None else 1)
        return None if ledger_id is None else replace(self.d.ledger[ledger_id])

    def open(self, kind: LedgerKind, owner_id: int) -> LedgerAccount:
        found = self.find(kind, owner_id)
        if found is not None:
            return found
        account = LedgerAccount(self.d.next_id("ledger"), kind, owner_id)
        self.d.ledger[account.id] = account
        self.d.ledger_index[(kind, owner_id)] = account.id
        record(db_writes=1)
        return replace(account)

    def lock(self, ids: list[int], *, wait: bool = True) -> dict[int, LedgerAccount]:
        # Write blocks are serialised here: nothing is ever held by another one.
        found = {i: replace(self.d.ledger[i]) for i in sorted(set(ids)) if i in self.d.ledger}
        record(db_reads=len(found))
        return found

    def transfer(
        self,
        debit_id: int,
        credit_id: int,
        amount_fen: int,
        kind: TransferKind,
        ref_id: int | None,
        created_at: float,
    ) -> Transfer | None:
        debit, credit = self.d.ledger[debit_id], self.d.ledger[credit_id]
        if debit.kind not in MAY_RUN_NEGATIVE and debit.balance_fen < amount_fen:
            return None
        debit.balance_fen -= amount_fen
        credit.balance_fen += amount_fen
        ref = NO_REF if ref_id is None else ref_id
        transfer_id = self.d.journal.append(
            (debit_id, credit_id, amount_fen, KIND_INDEX[kind], ref, created_at)
        )
        self.d.journal_of[debit_id].append(transfer_id)
        self.d.journal_of[credit_id].append(transfer_id)
        record(db_writes=3)
        return Transfer(transfer_id, debit_id, credit_id, amount_fen, kind, ref_id, created_at)

    def statement(self, ledger_id: int, before: int | None, limit: int) -> list[Transfer]:
        ids = page_sorted(self.d.journal_of.get(ledger_id, []), before, limit)
        record(db_reads=len(ids))
        return [_transfer(self.d.journal, i) for i in ids]

    def accounts(self) -> list[LedgerAccount]:
        record(db_reads=len(self.d.ledger))
        return [replace(a) for a in self.d.ledger.values()]

    def journal_balances(self) -> dict[int, int]:
        balances: defaultdict[int, int] = defaultdict(int)
        journal = self.d.journal
        columns = zip(
            journal.column("debit_id"),
            journal.column("credit_id"),
            journal.column("amount_fen"),
            strict=True,
        )
        for debit_id, credit_id, amount_fen in columns:
            balances[int(debit_id)] -= int(amount_fen)
            balances[int(credit_id)] += int(amount_fen)
        record(db_reads=len(self.d.journal))
        return dict(balances)

    def kind_totals(self) -> dict[TransferKind, int]:
        totals: defaultdict[TransferKind, int] = defaultdict(int)
        journal = self.d.journal
        for kind, amount_fen in zip(
            journal.column("kind"), journal.column("amount_fen"), strict=True
        ):
            totals[KINDS[int(kind)]] += int(amount_fen)
        record(db_reads=len(self.d.journal))
        return dict(totals)

    def transfer_count(self) -> int:
        return len(self.d.journal)


class MemoryIdempotency:
    def __init__(self, data: MoneyData) -> None:
        self.d = data

    def get(self, account_id: int, key: str) -> IdempotencyRecord | None:
        found = self.d.keys.get(account_id, {}).get(key)
        record(db_reads=0 if found is None else 1)
        return found

    def put(self, entry: IdempotencyRecord) -> None:
        keys = self.d.keys[entry.account_id]
        if entry.key in keys:
            raise Conflict(f"another request with Idempotency-Key {entry.key!r} is in flight")
        keys[entry.key] = entry
        record(db_writes=1)


class MemoryTopUps:
    def __init__(self, data: MoneyData) -> None:
        self.d = data

    def create(
        self, account_id: int, amount_fen: int, channel: TopUpChannel, created_at: float
    ) -> TopUp:
        topup = TopUp(
            self.d.next_id("topups"),
            account_id,
            amount_fen,
            channel,
            TopUpStatus.PENDING,
            created_at,
        )
        self.d.topups[topup.id] = topup
        record(db_writes=1)
        return replace(topup)

    def get(self, topup_id: int, *, lock: bool = False) -> TopUp | None:
        found = self.d.topups.get(topup_id)
        record(db_reads=0 if found is None else 1)
        return None if found is None else replace(found)

    def settle(self, topup_id: int, status: TopUpStatus, settled_at: float) -> bool:
        topup = self.d.topups[topup_id]
        if topup.status is not TopUpStatus.PENDING:
            return False
        topup.status, topup.settled_at = status, settled_at
        record(db_writes=1)
        return True

    def confirmed_total(self) -> int:
        confirmed = [
            t.amount_fen for t in self.d.topups.values() if t.status is TopUpStatus.CONFIRMED
        ]
        record(db_reads=len(confirmed))
        return sum(confirmed)
