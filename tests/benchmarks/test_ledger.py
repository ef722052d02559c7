"""The ledger benchmark's own checks: transfers are real, and the audit catches bad books."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from benchmarks.ledger import (
    CREDIT_FEN,
    audited,
    journal_size,
    reference_rows,
    seeded_wallets,
    time_inserts,
    time_transfers,
)
from microblog.platform import Microblog
from microblog.store.sql import SqlStore
from microblog.store.sql.money_schema import ledger_accounts


@pytest.fixture
def books(tmp_path: Path) -> Iterator[tuple[SqlStore, Microblog, list[int]]]:
    store = SqlStore(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    blog = Microblog(store)
    yield store, blog, seeded_wallets(blog, 3)
    blog.close()


def test_transfers_move_coins_between_wallets_and_the_books_balance(
    books: tuple[SqlStore, Microblog, list[int]],
) -> None:
    """Seven one-fen gifts round a ring of three wallets: seven journal rows, coins kept."""
    store, blog, ids = books
    before = journal_size(store)
    time_transfers(blog, ids, 7, itertools.count())
    assert journal_size(store) == before + 7
    balances = [blog.payments.balance(i) for i in ids]
    # wallet 0 gives 3 fen and gets 2, wallet 1 gives 2 and gets 3, wallet 2 gives and gets 2
    assert balances == [CREDIT_FEN - 1, CREDIT_FEN + 1, CREDIT_FEN]
    assert audited(blog, before + 7) == (1.0, ())


def test_an_unbalanced_ledger_fails_the_audit(
    books: tuple[SqlStore, Microblog, list[int]],
) -> None:
    """A wallet credited outside the journal is caught, and the failure names it."""
    store, blog, ids = books
    transfers = journal_size(store)
    with store.write() as tx:
        tx.conn.execute(
            update(ledger_accounts)
            .where(ledger_accounts.c.owner_id == ids[0])
            .values(balance_fen=ledger_accounts.c.balance_fen + 1)
        )
    balanced, failures = audited(blog, transfers)
    assert balanced == 0.0
    assert any("journal sums to" in failure for failure in failures)
    assert all(failure.startswith("ledger audit: ") for failure in failures)


def test_transfers_missing_from_the_journal_fail_the_audit(
    books: tuple[SqlStore, Microblog, list[int]],
) -> None:
    store, blog, _ = books
    balanced, failures = audited(blog, journal_size(store) + 1)
    assert balanced == 0.0 and len(failures) == 1 and "were made" in failures[0]


def test_the_reference_commits_one_row_per_insert(
    books: tuple[SqlStore, Microblog, list[int]],
) -> None:
    store, _, _ = books
    reference_rows.create(store.engine)
    time_inserts(store, 5)
    with store.read() as tx:
        assert tx.conn.execute(select(func.count()).select_from(reference_rows)).scalar() == 5
