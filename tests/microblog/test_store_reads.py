"""The store's kinds of read: a plain read is one transaction, `statements()` opens none
(PostgreSQL: no BEGIN or COMMIT round trips), and the kinds are not mixed up on a pooled
connection afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import text

from microblog.store import open_store
from microblog.store.sql import SqlStore, SqlTx
from tests.backends import store_url


def transaction_status(tx: SqlTx) -> TransactionStatus:
    """Whether the server holds a transaction open for this connection now."""
    tx.conn.execute(text("SELECT 1"))
    return TransactionStatus(tx.conn.connection.dbapi_connection.info.transaction_status)  # type: ignore[union-attr]


def test_statements_on_postgresql_run_outside_any_transaction(tmp_path: Path) -> None:
    with store_url("postgres", tmp_path) as url:
        store = open_store(url)
        assert isinstance(store, SqlStore)
        try:
            with store.statements() as loose:
                assert transaction_status(loose) is TransactionStatus.IDLE
            with store.read() as tx:
                assert transaction_status(tx) is TransactionStatus.INTRANS
            with store.snapshot() as tx:
                assert transaction_status(tx) is TransactionStatus.INTRANS
                isolation = tx.conn.execute(text("SHOW transaction_isolation")).scalar_one()
                assert isolation == "repeatable read"
            with store.read() as tx:  # the pooled connection is back to the default
                isolation = tx.conn.execute(text("SHOW transaction_isolation")).scalar_one()
                assert isolation == "read committed"
        finally:
            store.close()


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_statements_elsewhere_are_a_plain_read(backend: str, tmp_path: Path) -> None:
    with store_url(backend, tmp_path) as url:
        store = open_store(url)
        try:
            with store.statements() as tx:
                assert tx.accounts.account_for_token("no-such-token") is None
        finally:
            store.close()
