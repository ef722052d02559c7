"""Hot statements compiled once per dialect and run on the driver's cursor.

SQLAlchemy Core builds and compiles every statement of this store. Running one through
`Connection.execute` then costs ~55 µs of Python per statement on the 2-core reference
machine (cache key, execution context, result metadata, row objects; measured on a one-row
primary-key read), against ~5 µs for SQLite to answer it: on a replayed baseline day the
server spent 44 % of its CPU in SQL calls, most of it in that bookkeeping. The statements
on almost every request's path (a photo's metadata, an account, a timeline rebuild's ids)
are therefore `Prepared`: compiled by SQLAlchemy once per dialect, then run on the DBAPI
cursor of the same connection, inside the same transaction, with the types' own bind and
result processors applied, so what comes back is what `Connection.execute` would return.
So are the writes of a feed page's ads and of every ledger posting (an impression's
insert, a wallet's debit and credit, the journal entry, the idempotency key): a replayed
baseline evening spent 36 % of the server in the ad feed, whose page then ran ~12 of its
~21 statements through `Connection.execute`. A statement run here raises the driver's own
errors (`sqlite3.IntegrityError`, not SQLAlchemy's wrapper): `driver_error` names the
class to catch. Everything else keeps going through `Connection.execute`.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, Connection, Select, Table, bindparam, select
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.dml import UpdateBase

Processor = Callable[[Any], Any] | None


@dataclass(slots=True)
class _Compiled:
    """One statement as one dialect runs it."""

    sql: str
    names: Sequence[str]
    """Parameter names; for a positional paramstyle (SQLite's `?`) one per placeholder,
    in order (a name used twice is listed twice)."""
    positional: bool
    defaults: Mapping[str, Any]
    """Values of the statement's literal parameters (e.g. `deleted IS 0`)."""
    binds: Mapping[str, Callable[[Any], Any]]
    """Bind processors of the parameters that have one."""
    row: Any
    """A named tuple of the selected columns, so `row.id` reads as on a SQLAlchemy row."""
    types: Sequence[Any]
    """The selected columns' types, as this dialect implements them."""
    results: Sequence[Processor] | None = None
    """Result processor per column, None where the driver's value is already right; known
    from the first execution, as a driver's processor may depend on the type code the
    database reports (psycopg's for a float column)."""
    converts: bool = False
    """Whether any column has a result processor."""

    def learn_results(self, dialect: Dialect, description: Sequence[Sequence[Any]]) -> None:
        self.results = [
            t.result_processor(dialect, d[1]) for t, d in zip(self.types, description, strict=True)
        ]
        self.converts = any(p is not None for p in self.results)


def _compile(statement: Select[Any] | UpdateBase, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    binds: dict[str, Callable[[Any], Any]] = {}
    for bind, name in compiled.bind_names.items():
        if bind.expanding:
            raise ValueError(f"a prepared statement takes no expanding parameter ({name})")
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            binds[name] = process
    # a SELECT's columns, or what an INSERT or UPDATE returns (none without RETURNING)
    columns = list(
        statement.selected_columns if isinstance(statement, Select) else statement.exported_columns
    )
    # an unnamed column (`count(*)`) gets a positional name, as on a SQLAlchemy row
    row = namedtuple("PreparedRow", [str(c.key) for c in columns], rename=True)  # type: ignore[misc]
    names = list(compiled.positiontup or ()) if dialect.positional else list(compiled.params)
    return _Compiled(
        compiled.string,
        names,
        bool(dialect.positional),
        dict(compiled.params),
        binds,
        row,
        [c.type.dialect_impl(dialect) for c in columns],
    )


def driver_error(conn: Connection, name: str) -> type[Exception]:
    """The driver's own exception class `name` (PEP 249: `IntegrityError`, ...), which a
    statement run on its cursor raises unwrapped."""
    error: type[Exception] = getattr(conn.dialect.loaded_dbapi, name)
    return error


def on_driver(conn: Connection, sql: str, arguments: Any = ()) -> Any:
    """Run `sql` on a new DBAPI cursor of `conn`'s connection, in its transaction, and
    return the cursor. Listeners of the engine's `before_cursor_execute` still see it (a
    test counting round trips, an APM agent); nothing else of SQLAlchemy's runs."""
    cursor = conn.connection.cursor()
    if conn.dispatch.before_cursor_execute:
        conn.dispatch.before_cursor_execute(conn, cursor, sql, arguments, None, False)
    cursor.execute(sql, arguments)
    return cursor


class Prepared:
    """A SELECT, INSERT, UPDATE or DELETE whose varying values are `bindparam`s, run without
    SQLAlchemy's per-call bookkeeping (see the module docstring). Build it once, at import."""

    def __init__(self, statement: Select[Any] | UpdateBase) -> None:
        self.statement = statement
        self._by_dialect: dict[str, _Compiled] = {}

    def _for(self, conn: Connection) -> _Compiled:
        dialect = conn.dialect
        compiled = self._by_dialect.get(dialect.name)
        if compiled is None:
            compiled = self._by_dialect[dialect.name] = _compile(self.statement, dialect)
        return compiled

    def _cursor(self, conn: Connection, params: Mapping[str, Any]) -> tuple[_Compiled, Any]:
        compiled = self._for(conn)
        defaults, binds = compiled.defaults, compiled.binds
        values = {n: params[n] if n in params else defaults[n] for n in compiled.names}
        for name, process in binds.items():
            values[name] = process(values[name])
        arguments: Any = [values[n] for n in compiled.names] if compiled.positional else values
        return compiled, on_driver(conn, compiled.sql, arguments)

    def _raw(self, conn: Connection, params: Mapping[str, Any]) -> tuple[_Compiled, list[Any]]:
        compiled, cursor = self._cursor(conn, params)
        try:
            if compiled.results is None:
                compiled.learn_results(conn.dialect, cursor.description)
            return compiled, cursor.fetchall()
        finally:
            cursor.close()

    def run(self, conn: Connection, **params: Any) -> int:
        """Run a statement that returns no rows; the number of rows it changed."""
        _, cursor = self._cursor(conn, params)
        changed: int = cursor.rowcount
        cursor.close()
        return changed

    def rows(self, conn: Connection, **params: Any) -> list[Any]:
        """Every row, each a named tuple of the selected columns."""
        return list(self.each(conn, **params))

    def each(self, conn: Connection, **params: Any) -> Iterator[Any]:
        """The rows one at a time, each converted only when reached: a caller that stops
        early (the ad walk, which keeps the first few eligible of every live campaign)
        decodes nothing past where it stopped. The statement itself runs at once."""
        compiled, raw = self._raw(conn, params)
        make = compiled.row._make
        if not compiled.converts:
            return map(make, raw)
        processors = compiled.results or ()
        return (
            make([v if p is None else p(v) for p, v in zip(processors, r, strict=True)])
            for r in raw
        )

    def inserted_id(self, conn: Connection, **params: Any) -> int:
        """Run an `INSERT ... RETURNING id`; the id it assigned."""
        (new,) = self.scalars(conn, **params)
        return int(new)

    def first(self, conn: Connection, **params: Any) -> Any | None:
        """The first row, or None."""
        found = self.rows(conn, **params)
        return found[0] if found else None

    def scalars(self, conn: Connection, **params: Any) -> list[Any]:
        """The first column of every row."""
        compiled, raw = self._raw(conn, params)
        process = compiled.results[0] if compiled.results else None
        if process is None:
            return [r[0] for r in raw]
        return [process(r[0]) for r in raw]


class ByIds:
    """Whole rows of a table by id, prepared: a prepared statement takes no list, so the
    ids go `size` at a time into `id IN (:id0, ..., :idN)`, a short chunk repeating its
    last id (which `IN` reads once)."""

    def __init__(self, table: Table, size: int) -> None:
        self.size = size
        ids: list[BindParameter[Any]] = [bindparam(f"id{i}") for i in range(size)]
        self._chunk = Prepared(select(table).where(table.c.id.in_(ids)))

    def each(self, conn: Connection, ids: Sequence[int]) -> Iterator[Any]:
        """The rows of `ids` that exist, a chunk's statement run when the walk reaches it,
        each chunk's rows in any order."""
        size = self.size
        for start in range(0, len(ids), size):
            chunk = ids[start : start + size]
            last = len(chunk) - 1
            padded = {f"id{i}": chunk[min(i, last)] for i in range(size)}
            yield from self._chunk.each(conn, **padded)
