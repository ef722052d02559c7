"""SQLite's writers: a write transaction holds the file's write lock from its start, and the
writers of one process queue in the process (`WriterQueue`), not in SQLite's busy handler
that sleeps and retries."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from microblog.models import AgeBand, Gender, Profile, Role
from microblog.store.sql import SqlStore, WriterQueue

SETTLE_S = 0.2
"""Time a second writer is given to reach SQLite, if nothing held it back."""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    opened = SqlStore(f"sqlite:///{tmp_path / 'writers.sqlite'}")
    yield opened
    opened.close()


def other_process_writes(store: SqlStore) -> bool:
    """Whether another connection to the file (another server process) may write now."""
    path = store.engine.url.database
    assert path is not None
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def test_a_write_transaction_holds_the_write_lock_from_its_start(store: SqlStore) -> None:
    with store.write():
        assert not other_process_writes(store)
    with store.read():
        assert other_process_writes(store)
    assert other_process_writes(store)


def test_a_second_writer_waits_in_the_process_until_the_first_commits(store: SqlStore) -> None:
    begun: list[str] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("BEGIN IMMEDIATE"):
            begun.append(statement)

    def write_once() -> None:
        with store.write():
            pass

    second = threading.Thread(target=write_once)
    with store.write():
        second.start()
        time.sleep(SETTLE_S)
        assert len(begun) == 1, "the second writer went to SQLite while the first wrote"
    second.join(timeout=10)
    assert not second.is_alive()
    assert len(begun) == 2


def test_a_writer_held_up_past_the_timeout_is_told_the_database_is_locked() -> None:
    queue = WriterQueue(timeout_s=0.05)
    failures: list[BaseException] = []

    def wait_for_a_turn() -> None:
        try:
            with queue.turn():
                pass
        except sqlite3.OperationalError as error:
            failures.append(error)

    with queue.turn():
        waiter = threading.Thread(target=wait_for_a_turn)
        waiter.start()
        waiter.join(timeout=10)
    assert [str(f) for f in failures] == [
        "database is locked: another writer of this process held it for 0.05 s"
    ]


def add_account(store: SqlStore, name: str) -> None:
    with store.write() as tx:
        profile = Profile([], "north", Gender.FEMALE, AgeBand.AGE_18_24)
        tx.accounts.create(name, Role.USER, profile, created_at=0.0)


@pytest.mark.parametrize("block", ["statements", "read"])
def test_statements_run_without_a_transaction_and_see_each_commit(
    store: SqlStore, block: str
) -> None:
    """`statements()` issues no BEGIN, so its second statement sees a commit made after
    its first; `read()` begins a transaction and keeps its first statement's snapshot."""
    executed: list[str] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def _record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        executed.append(statement)

    with getattr(store, block)() as tx:
        before = tx.accounts.count()
        add_account(store, "late")
        after = tx.accounts.count()
    began = [s for s in executed if s.startswith("BEGIN")]
    if block == "statements":
        assert after == before + 1
        assert began == ["BEGIN IMMEDIATE"], "only the other block's write begins"
    else:
        assert after == before
        assert began == ["BEGIN", "BEGIN IMMEDIATE"]
