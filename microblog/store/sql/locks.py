"""How SQL writers stay correct side by side without one global lock.

SQLite allows one writer at a time (`BEGIN IMMEDIATE`), so on SQLite everything here is
already serialised and costs nothing extra. PostgreSQL runs write transactions
concurrently at READ COMMITTED, so the repositories follow three rules:

- Rows that guard a decision (balances, stock, an order's state, a campaign's budget) are
  read with `FOR NO KEY UPDATE` (`ROW_LOCK`) before they are checked, several at once in
  id order, so two writers wanting the same rows queue in the same order and never
  deadlock. NO KEY UPDATE (not FOR UPDATE) lets inserts that merely reference the row
  (a transfer, an order) check their foreign key without waiting.
- Counters change by atomic increments (`SET n = n + 1`), never read-modify-write, and
  rows that may already exist are inserted with ON CONFLICT DO NOTHING (`insert_new`;
  `add_new` tells whether this writer added the row).
- A decision about a row that does not exist yet (is this idempotency key new? this client
  message id? may this message take the next id in its recipients' inboxes?) is taken
  under `claim`: a transaction-scoped advisory lock named by what is decided, so only the
  writers deciding the same thing queue, and each sees what the one before it committed.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import BindParameter, Connection, Insert, Table, bindparam, literal_column, text
from sqlalchemy.dialects import postgresql, sqlite

from microblog.store.sql.prepared import Prepared

ROW_LOCK: dict[str, Any] = {"key_share": True}
"""`with_for_update(**ROW_LOCK)`: FOR NO KEY UPDATE on PostgreSQL, nothing on SQLite."""

_CLAIM = text(
    "SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k ORDER BY k"
).bindparams(bindparam("keys"))


def lock_key(*name: object) -> int:
    """A stable signed 64-bit advisory lock key for a name (a collision only makes two
    unrelated writers queue, never lets two related ones through)."""
    digest = hashlib.blake2b(repr(name).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def claim(conn: Connection, *names: tuple[object, ...]) -> None:
    """Hold these names until the transaction ends (PostgreSQL); taken in key order in one
    round trip, so writers claiming overlapping sets cannot deadlock on them."""
    if names and conn.dialect.name == "postgresql":
        conn.execute(_CLAIM, {"keys": sorted({lock_key(*name) for name in names})})


def insert_new(conn: Connection, table: Table) -> Insert:
    """INSERT that skips rows whose key already exists."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


def add_new(conn: Connection, table: Table, values: dict[str, Any]) -> bool:
    """Insert the row unless its key exists; whether this call added it. (RETURNING, not
    the rowcount, which psycopg reports as -1 for a Core INSERT.)"""
    statement: Any = insert_new(conn, table).values(values).returning(literal_column("1"))
    return conn.execute(statement).first() is not None


class AddNew:
    """`add_new` of one table's named columns, prepared per dialect: the row's insert,
    skipped when its key exists, telling whether this call added it."""

    def __init__(self, table: Table, columns: tuple[str, ...]) -> None:
        values: dict[str, BindParameter[Any]] = {name: bindparam(name) for name in columns}
        self._by_dialect = {
            name: Prepared(
                dialect.insert(table)
                .values(values)
                .on_conflict_do_nothing()
                .returning(literal_column("1"))
            )
            for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
        }

    def add(self, conn: Connection, **values: Any) -> bool:
        return bool(self._by_dialect[conn.dialect.name].scalars(conn, **values))


def upsert(conn: Connection, table: Table, values: dict[str, Any], keys: list[str]) -> None:
    """Insert the row, or set its other columns when its key already exists."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement: Any = dialect.insert(table).values(values)
    changed = {k: v for k, v in values.items() if k not in keys}
    conn.execute(statement.on_conflict_do_update(index_elements=keys, set_=changed))
