"""Ledger transfers per second on SQLite, with the books audited to the fen afterwards.

`ACCOUNTS` wallets are seeded with coins (`Payments.seed_credits`); a repeat times
`transfers` gifts of one fen between neighbouring wallets through `Payments.gift`, the
service call behind `POST /wallets/{id}/gifts`: one write transaction each, with its
idempotency key, the payer's check and the double-entry transfer. Then the audit
(microblog.services.audit) checks the books; `audit_balanced` is 1 or 0, and an unbalanced
ledger, or one whose journal did not grow by exactly the transfers made, fails the
benchmark (the suite exits 1).

Reference, in the same repeat: the same number of single-row inserts, one write transaction
each, through the same `SqlStore` (its SQLAlchemy Core engine, pool, `BEGIN IMMEDIATE`, WAL
and `synchronous=NORMAL`) into a table of the same database file. That, not a bare
`sqlite3` loop, is the fair reference: it pays every per-transaction cost a transfer pays
for the storage stack, so the ratio isolates what the ledger itself adds (idempotency
record, balance reads and locks, the transfer row and both balance updates) rather than
also charging it for SQLAlchemy, which the whole reference microblog uses.
"""

from __future__ import annotations

import itertools
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, Table, insert

from benchmarks.runner import Benchmark, Measured, Ratio, Repeat
from microblog.money_config import MoneyConfig
from microblog.platform import Microblog
from microblog.services.accounts import NewAccount
from microblog.store.sql import SqlStore

ACCOUNTS = 200
CREDIT_FEN = MoneyConfig().max_amount_fen
"""Fen seeded per wallet (the largest amount allowed): each wallet receives as much as it
gives, so no gift is ever refused."""
GIFT_FEN = 1
TRANSFERS = {True: 400, False: 2_000}
"""Transfers timed per repeat, quick and full."""

reference_rows = Table(
    "bench_reference_rows",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("payer", Integer, nullable=False),
    Column("payee", Integer, nullable=False),
    Column("amount_fen", Integer, nullable=False),
)
"""The reference's table: one row shaped like a transfer per insert."""


def seeded_wallets(blog: Microblog, accounts: int) -> list[int]:
    """Register `accounts` accounts and credit each wallet `CREDIT_FEN`; their ids."""
    created = blog.accounts.register_many([NewAccount(f"payer{i}") for i in range(accounts)])
    ids = [account.id for account, _ in created]
    blog.payments.seed_credits([(account_id, CREDIT_FEN) for account_id in ids])
    return ids


def time_transfers(blog: Microblog, ids: list[int], transfers: int, keys: Iterator[int]) -> float:
    """Seconds for `transfers` gifts, each from one wallet to the next, each its own key."""
    started = time.perf_counter()
    for n in range(transfers):
        sender, recipient = ids[n % len(ids)], ids[(n + 1) % len(ids)]
        blog.payments.gift(sender, recipient, GIFT_FEN, idempotency_key=f"bench-{next(keys)}")
    return time.perf_counter() - started


def time_inserts(store: SqlStore, rows: int) -> float:
    """The reference: seconds for `rows` single-row inserts, one write transaction each."""
    started = time.perf_counter()
    for n in range(rows):
        with store.write() as tx:
            tx.conn.execute(insert(reference_rows), {"payer": n, "payee": n + 1, "amount_fen": 1})
    return time.perf_counter() - started


def journal_size(store: SqlStore) -> int:
    """Transfers in the journal so far."""
    with store.read() as tx:
        return int(tx.ledger.transfer_count())


def audited(blog: Microblog, expected_transfers: int) -> tuple[float, tuple[str, ...]]:
    """1.0 when the books balance and hold `expected_transfers` transfers, else 0.0;
    with what is wrong."""
    audit = blog.ledger.audit()
    problems = list(audit.problems)
    if audit.transfers != expected_transfers:
        problems.append(
            f"the journal holds {audit.transfers} transfers, {expected_transfers} were made"
        )
    return (0.0 if problems else 1.0), tuple(f"ledger audit: {p}" for p in problems)


@contextmanager
def prepare(quick: bool) -> Iterator[Repeat]:
    transfers = TRANSFERS[quick]
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fanout-bench-")))
        store = SqlStore(f"sqlite:///{tmp / 'ledger.sqlite'}")
        blog = Microblog(store)
        stack.callback(blog.close)
        reference_rows.create(store.engine)
        ids = seeded_wallets(blog, ACCOUNTS)
        keys = itertools.count()

        def repeat() -> Measured:
            before = journal_size(store)
            transfers_s = time_transfers(blog, ids, transfers, keys)
            balanced, failures = audited(blog, before + transfers)
            values = {
                "transfers_per_s": transfers / transfers_s,
                "reference.inserts_per_s": transfers / time_inserts(store, transfers),
                "audit_balanced": balanced,
            }
            return Measured(values, failures=failures)

        yield repeat


BENCHMARK = Benchmark(
    name="ledger",
    description="gift transfers/s on SQLite, audit balanced after each repeat; vs bare inserts",
    prepare=prepare,
    units={
        "transfers_per_s": "transfers/s",
        "reference.inserts_per_s": "inserts/s",
        "audit_balanced": "1 = balanced",
    },
    ratios={"ratio.transfers_vs_inserts": Ratio("transfers_per_s", "reference.inserts_per_s")},
    repeats=5,
    quick_repeats=3,
)
