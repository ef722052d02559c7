"""SQL backend: SQLite (the server's embedded default, WAL mode) through SQLAlchemy Core.

Written against SQLAlchemy Core only, so PostgreSQL runs the same code by URL. SQLite is
one file with one writer at a time: it takes its write lock up front with `BEGIN
IMMEDIATE` (so two writers never deadlock upgrading a read lock). The writers of one
process first queue on a lock of the process (`WriterQueue`): SQLite's own wait for its
lock is a busy handler that sleeps and retries (1, 2, 5, ... 100 ms), so a writer
arriving behind another slept on after the lock was free: 30 threads of small writes had
a p99 of 200 ms and waits of 2.4 s, most of the replayed baseline's latency. Writers of
other processes (`fanout serve --workers N`) still meet at the file. PostgreSQL runs writers
side by side at READ COMMITTED; the repositories keep check-then-act service code correct
there with row locks in id order, atomic statements and per-decision advisory locks (the
rules are in `microblog.store.sql.locks`), never one lock for every writer. Reads run
concurrently everywhere; a read that compares tables (the ledger audit) takes one
REPEATABLE READ snapshot (`snapshot`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import StaticPool

from microblog.store.sql.ads import SqlAds
from microblog.store.sql.apps import SqlApps
from microblog.store.sql.certifications import SqlCertifications
from microblog.store.sql.chat import SqlChat
from microblog.store.sql.commerce import SqlGames, SqlShops
from microblog.store.sql.fanservice import SqlFanServices
from microblog.store.sql.live import SqlLive
from microblog.store.sql.locks import claim
from microblog.store.sql.media import SqlAlbums
from microblog.store.sql.memberships import SqlMemberships
from microblog.store.sql.money import SqlIdempotency, SqlLedger, SqlTopUps
from microblog.store.sql.prepared import on_driver
from microblog.store.sql.push import SqlPush
from microblog.store.sql.schema import metadata
from microblog.store.sql.social import SqlAccounts, SqlGraph, SqlGroups, SqlPosts

SQLITE_BEGIN = {True: "BEGIN IMMEDIATE", False: "BEGIN"}
"""How a SQLite transaction starts, by whether it writes. Issued by `SqlStore._transaction`
on the driver's connection: not from an engine "begin" event (any engine event makes
SQLAlchemy dispatch its execute events on every statement, which cost 20 % of the CPU of a
one-row read), nor through `exec_driver_sql` (~20 µs of bookkeeping per transaction for a
statement that returns nothing): see `prepared.on_driver`."""
SQLITE_CONNECTIONS = 64
"""Connections an SQLite file's pool keeps open: as many as threads may use it at once (a
server's request threads, its fan-out workers). SQLAlchemy's default keeps 5 and opens the
rest per use, each open a connect and three PRAGMAs: 5 % of a replayed baseline's server
samples went to opening connections."""
BUSY_TIMEOUT_S = 30.0
"""Longest a writer waits for SQLite's write lock (the process's queue, then the file's)
before it fails with "database is locked"."""


class SqlTx:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.accounts = SqlAccounts(conn)
        self.graph = SqlGraph(conn)
        self.posts = SqlPosts(conn)
        self.groups = SqlGroups(conn)
        self.chat = SqlChat(conn)
        self.ledger = SqlLedger(conn)
        self.idempotency = SqlIdempotency(conn)
        self.topups = SqlTopUps(conn)
        self.games = SqlGames(conn)
        self.shops = SqlShops(conn)
        self.ads = SqlAds(conn)
        self.certifications = SqlCertifications(conn)
        self.apps = SqlApps(conn)
        self.albums = SqlAlbums(conn)
        self.live = SqlLive(conn)
        self.fanservice = SqlFanServices(conn)
        self.memberships = SqlMemberships(conn)
        self.push = SqlPush(conn)


def _sqlite_engine(url: str) -> Engine:
    in_memory = url in ("sqlite://", "sqlite:///:memory:")
    pooling: dict[str, Any] = (
        {"poolclass": StaticPool} if in_memory else {"pool_size": SQLITE_CONNECTIONS}
    )
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_S}, **pooling
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SqlStore._transaction issues BEGIN itself
        cursor = dbapi_conn.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


class WriterQueue:
    """SQLite's writers of this process, one at a time, each let in as soon as the one
    before it has committed (see module docstring)."""

    def __init__(self, timeout_s: float) -> None:
        self._lock = threading.Lock()
        self._timeout_s = timeout_s

    @contextmanager
    def turn(self) -> Iterator[None]:
        if not self._lock.acquire(timeout=self._timeout_s):
            raise sqlite3.OperationalError(
                f"database is locked: another writer of this process held it for "
                f"{self._timeout_s:g} s"
            )
        try:
            yield
        finally:
            self._lock.release()


class SqlStore:
    """A relational backend; tables are created on first open, in one write transaction
    that claims the schema, so server processes starting together (`fanout serve
    --workers N`) create them once: the others wait, then find them."""

    volatile = False

    def __init__(self, url: str) -> None:
        self.url = url
        self._writers: WriterQueue | None = None
        if url.startswith("sqlite"):
            self.engine = _sqlite_engine(url)
            self._writers = WriterQueue(BUSY_TIMEOUT_S)
        else:
            self.engine = create_engine(url, pool_size=20, max_overflow=20)
        with self._transaction(write=True) as tx:
            claim(tx.conn, ("schema",))
            metadata.create_all(tx.conn)

    @contextmanager
    def _transaction(self, write: bool, **options: Any) -> Iterator[SqlTx]:
        with self._turn(write), self.engine.connect() as conn:
            if options:
                conn.execution_options(**options)
            with conn.begin():
                if self._writers is not None:  # SQLite: the DBAPI begins nothing itself
                    on_driver(conn, SQLITE_BEGIN[write]).close()
                yield SqlTx(conn)

    def _turn(self, write: bool) -> AbstractContextManager[None]:
        """A writer's place in this process's queue (SQLite); PostgreSQL's writers run
        side by side."""
        if write and self._writers is not None:
            return self._writers.turn()
        return nullcontext()

    def read(self) -> Any:
        return self._transaction(write=False)

    def write(self) -> Any:
        return self._transaction(write=True)

    def statements(self) -> Any:
        """PostgreSQL: AUTOCOMMIT, so no BEGIN and COMMIT (two of a home read's four round
        trips without Redis). SQLite: no BEGIN either, so each statement is its own
        transaction: no round trip is saved, but SQLAlchemy's transaction bookkeeping and
        the BEGIN and COMMIT calls were 40 % of a one-statement read (a thumbnail's)."""
        if self._writers is not None:
            return self._autocommit()
        return self._transaction(write=False, isolation_level="AUTOCOMMIT")

    @contextmanager
    def _autocommit(self) -> Iterator[SqlTx]:
        """SQLite without a transaction: the DBAPI begins nothing itself (see
        `_sqlite_engine`), so every statement commits on its own."""
        with self.engine.connect() as conn:
            yield SqlTx(conn)

    def snapshot(self) -> Any:
        """PostgreSQL: REPEATABLE READ, READ ONLY (one snapshot for every statement; at READ
        COMMITTED each statement sees the commits made before it). SQLite: a plain read, as
        a WAL reader keeps the snapshot of its first statement until it ends."""
        if self.engine.dialect.name == "sqlite":
            return self.read()
        return self._transaction(
            write=False, isolation_level="REPEATABLE READ", postgresql_readonly=True
        )

    def close(self) -> None:
        self.engine.dispose()
