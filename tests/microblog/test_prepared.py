"""Prepared statements return what `Connection.execute` returns, on SQLite and PostgreSQL.

They run on the driver's cursor with the types' own processors, so each check compares a
prepared statement's rows with SQLAlchemy's for the same statement and parameters: booleans
(SQLite stores 0/1), JSON, floats (psycopg's processor depends on the reported type), a
literal parameter, a name bound twice, an unnamed column.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    create_engine,
    event,
    func,
    select,
    update,
)

from microblog.store.sql.prepared import ByIds, Prepared, driver_error
from tests.backends import store_url

metadata = MetaData()
items = Table(
    "prepared_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(40), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("tags", JSON, nullable=False),
    Column("score", Float, nullable=False),
)
notes = Table(
    "prepared_notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("flag", Boolean, nullable=False),
    Column("body", JSON, nullable=False),
)
"""Empty at the start: its ids come from the database."""
ROWS = [
    {"id": 1, "name": "a", "active": True, "tags": ["x", "y"], "score": 1.5},
    {"id": 2, "name": "b", "active": False, "tags": [], "score": 2.0},
    {"id": 3, "name": "a", "active": True, "tags": ["z"], "score": 0.25},
]
ACTIVE_BY_NAME = (
    select(items)
    .where(items.c.name == bindparam("name"), items.c.active.is_(True), items.c.score > 0)
    .order_by(items.c.id)
)
"""A bound parameter beside literal ones (`score > 0`)."""
EITHER_ID = select(items.c.id).where(
    (items.c.id == bindparam("id")) | (items.c.id == bindparam("id") + 1)
)
"""One name bound twice: a positional paramstyle lists it twice."""
COUNT_BY_NAME = select(items.c.name, func.count()).group_by(items.c.name).order_by(items.c.name)


@pytest.fixture(params=["sqlite", "postgres"])
def conn(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Connection]:
    with store_url(request.param, tmp_path) as url:
        engine = create_engine(url)
        try:
            with engine.begin() as connection:
                metadata.create_all(connection)
                connection.execute(items.insert(), ROWS)
                yield connection
        finally:
            engine.dispose()


def sqlalchemy_rows(conn: Connection, statement: Any, **params: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in conn.execute(statement, params)]


def test_rows_are_sqlalchemys_rows_with_processed_types(conn: Connection) -> None:
    prepared = Prepared(ACTIVE_BY_NAME)
    rows = prepared.rows(conn, name="a")
    assert [tuple(r) for r in rows] == sqlalchemy_rows(conn, ACTIVE_BY_NAME, name="a")
    assert rows[0].active is True and rows[0].tags == ["x", "y"] and rows[1].score == 0.25
    assert prepared.first(conn, name="a") == rows[0]
    assert prepared.first(conn, name="nobody") is None


def test_each_converts_a_row_only_when_it_is_reached(
    conn: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared = Prepared(select(items.c.id, items.c.tags).order_by(items.c.id))
    assert list(prepared.each(conn)) == prepared.rows(conn)
    decoded: list[Any] = []
    compiled = prepared._for(conn)  # the statement has run: its processors are known
    assert compiled.results is not None
    decode = compiled.results[1] or (lambda v: v)  # psycopg decodes JSON itself

    def counted(value: Any) -> Any:
        decoded.append(value)
        return decode(value)

    monkeypatch.setattr(compiled, "results", [None, counted])
    monkeypatch.setattr(compiled, "converts", True)
    first = next(prepared.each(conn))
    assert first.id == 1 and first.tags == ["x", "y"] and len(decoded) == 1


def test_a_name_bound_twice_gets_its_value_at_both_places(conn: Connection) -> None:
    assert Prepared(EITHER_ID).scalars(conn, id=1) == [1, 2]


def test_an_unnamed_column_reads_by_position(conn: Connection) -> None:
    rows = Prepared(COUNT_BY_NAME).rows(conn)
    assert [tuple(r) for r in rows] == [("a", 2), ("b", 1)]


def test_run_changes_rows_and_counts_them(conn: Connection) -> None:
    deactivate = Prepared(
        update(items).where(items.c.name == bindparam("who")).values(active=bindparam("on"))
    )
    assert deactivate.run(conn, who="a", on=False) == 2
    assert Prepared(ACTIVE_BY_NAME).rows(conn, name="a") == []
    assert conn.execute(select(items.c.active).where(items.c.id == 1)).scalar_one() is False


def test_the_engines_listeners_see_each_prepared_statement(conn: Connection) -> None:
    seen: list[str] = []

    def listen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(conn.engine, "before_cursor_execute", listen)
    try:
        Prepared(EITHER_ID).scalars(conn, id=2)
    finally:
        event.remove(conn.engine, "before_cursor_execute", listen)
    assert len(seen) == 1 and seen[0].startswith("SELECT prepared_items.id")


def test_an_expanding_parameter_is_refused(conn: Connection) -> None:
    statement = select(items).where(items.c.id.in_(bindparam("ids", expanding=True)))
    with pytest.raises(ValueError, match="expanding parameter"):
        Prepared(statement).rows(conn, ids=[1, 2])


def test_an_insert_returns_the_id_it_assigned_with_its_values_processed(conn: Connection) -> None:
    """Booleans and JSON bound through the types' processors, the new id through RETURNING."""
    add = Prepared(
        notes.insert().values(flag=bindparam("flag"), body=bindparam("body")).returning(notes.c.id)
    )
    first = add.inserted_id(conn, flag=False, body={"k": [1]})
    second = add.inserted_id(conn, flag=True, body=[])
    stored = conn.execute(select(notes).order_by(notes.c.id)).all()
    assert [tuple(row) for row in stored] == [(first, False, {"k": [1]}), (second, True, [])]
    assert second > first


def test_a_duplicate_key_raises_the_drivers_own_integrity_error(conn: Connection) -> None:
    add = Prepared(items.insert().values(id=bindparam("id"), name="d", active=True, tags=[],
                                         score=0.0))  # fmt: skip
    with pytest.raises(driver_error(conn, "IntegrityError")):
        add.run(conn, id=1)


def test_rows_by_id_cross_chunks_and_skip_repeats_and_unknown_ids(conn: Connection) -> None:
    """Two ids a statement: 1, 3 | 3, 99 | 2 (padded with itself)."""
    by_ids = ByIds(items, 2)
    rows = list(by_ids.each(conn, [1, 3, 3, 99, 2]))
    assert sorted(row.id for row in rows) == [1, 2, 3, 3]  # 3 asked for in two chunks
    assert {row.id: row.tags for row in rows} == {1: ["x", "y"], 2: [], 3: ["z"]}
    assert list(by_ids.each(conn, [])) == []
