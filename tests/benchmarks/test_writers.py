"""The writers benchmark's own checks: every writer's gifts are made, and it skips cleanly."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from benchmarks.ledger import CREDIT_FEN, journal_size, seeded_wallets
from benchmarks.runner import Skipped
from benchmarks.writers import POSTGRES_ENV, prepare, time_writers
from microblog.platform import Microblog
from microblog.store.sql import SqlStore


def test_every_writer_makes_its_gifts_and_the_coins_stay_in_its_ring(tmp_path: Path) -> None:
    """Two writers, five gifts each round their own ring: ten journal rows, rings whole."""
    store = SqlStore(f"sqlite:///{tmp_path / 'writers.sqlite'}")
    blog = Microblog(store)
    ids = seeded_wallets(blog, 6)
    rings = [ids[0::2], ids[1::2]]
    before = journal_size(store)
    time_writers(blog, rings, 5, itertools.count())
    assert journal_size(store) == before + 10
    for ring in rings:
        assert sum(blog.payments.balance(i) for i in ring) == CREDIT_FEN * len(ring)
    blog.close()


def test_a_writer_that_fails_fails_the_measurement(tmp_path: Path) -> None:
    blog = Microblog(SqlStore(f"sqlite:///{tmp_path / 'writers.sqlite'}"))
    ids = seeded_wallets(blog, 2)
    with pytest.raises(Exception, match="no account"):
        time_writers(blog, [ids, [ids[0], 999]], 2, itertools.count())
    blog.close()


def test_without_a_postgres_url_it_is_skipped_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(POSTGRES_ENV, raising=False)
    with pytest.raises(Skipped, match=POSTGRES_ENV), prepare(True):
        pass
