"""SQL backend: SQLite (the server's embedded default, WAL mode) through SQLAlchemy Core.

Written against SQLAlchemy Core only, so PostgreSQL runs the same code by URL. SQLite is
one file with one writer at a time: it takes its write lock up front with `BEGIN
IMMEDIATE` (so two writers never deadlock upgrading a read lock). PostgreSQL runs writers
side by side at READ COMMITTED; the repositories keep check-then-act service code correct
there with row locks in id order, atomic statements and per-decision advisory locks (the
rules are in `microblog.store.sql.locks`), never one lock for every writer. Reads run
concurrently everywhere; a read that compares tables (the ledger audit) takes one
REPEATABLE READ snapshot (`snapshot`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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
from microblog.store.sql.push import SqlPush
from microblog.store.sql.schema import metadata
from microblog.store.sql.social import SqlAccounts, SqlGraph, SqlGroups, SqlPosts

_WRITE = "fanout_write"


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
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        poolclass=StaticPool if in_memory else None,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_conn.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class SqlStore:
    """A relational backend; tables are created on first open, in one write transaction
    that claims the schema, so server processes starting together (`fanout serve
    --workers N`) create them once: the others wait, then find them."""

    volatile = False

    def __init__(self, url: str) -> None:
        self.url = url
        if url.startswith("sqlite"):
            self.engine = _sqlite_engine(url)
        else:
            self.engine = create_engine(url, pool_size=20, max_overflow=20)
        with self._transaction(write=True) as tx:
            claim(tx.conn, ("schema",))
            metadata.create_all(tx.conn)

    @contextmanager
    def _transaction(self, write: bool, **options: Any) -> Iterator[SqlTx]:
        with self.engine.connect() as conn:
            conn.execution_options(**{_WRITE: write}, **options)
            with conn.begin():
                yield SqlTx(conn)

    def read(self) -> Any:
        return self._transaction(write=False)

    def write(self) -> Any:
        return self._transaction(write=True)

    def statements(self) -> Any:
        """PostgreSQL: AUTOCOMMIT, so no BEGIN and COMMIT (two of a home read's four round
        trips without Redis). SQLite: a plain read (a transaction there costs no round
        trip, and this engine issues its own BEGIN)."""
        if self.engine.dialect.name == "sqlite":
            return self.read()
        return self._transaction(write=False, isolation_level="AUTOCOMMIT")

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
