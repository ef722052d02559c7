"""Idempotency keys on a shared cache tier: a retry reaching another server process is
answered from Redis without paying twice, and the store stays the truth when Redis
forgets."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from microblog.cache import CacheTier, open_cache
from microblog.config import PlatformConfig
from microblog.errors import InsufficientFunds, Invalid
from microblog.money_models import LedgerKind
from microblog.platform import Microblog
from microblog.store import open_store
from microblog.work import recording
from tests.backends import redis_cache
from tests.microblog.conftest import CHEAP_HASHING, people
from tests.microblog.money_helpers import fund, ledger_balance

Processes = tuple[Microblog, Microblog, CacheTier]


@pytest.fixture
def two_processes(tmp_path: Path) -> Iterator[Processes]:
    """Two platforms over one SQLite file and one Redis prefix, as two server processes
    of `fanout serve --workers 2` are; the tier of the test itself to flush it."""
    config = PlatformConfig.model_validate(CHEAP_HASHING)
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    with redis_cache() as tier, ExitStack() as closing:
        blogs = [
            Microblog(open_store(url), config, cache=open_cache(tier.url, tier.prefix))
            for _ in range(2)
        ]
        for blog in blogs:
            closing.callback(blog.close)
        yield blogs[0], blogs[1], tier


def test_a_retry_on_another_process_is_answered_by_the_cache_and_pays_once(
    two_processes: Processes,
) -> None:
    first, second, _ = two_processes
    alice, bob = people(first, "alice", "bob")
    fund(first, alice.id, 100)
    gift = first.payments.gift(alice.id, bob.id, 7, idempotency_key="retry-me")
    with recording() as work:
        again = second.payments.gift(alice.id, bob.id, 7, idempotency_key="retry-me")
    assert again == gift
    assert work.cache_reads == 1 and work.db_reads == work.db_writes == 0
    assert ledger_balance(second, LedgerKind.WALLET, bob.id) == 7
    with pytest.raises(Invalid) as refused:
        second.payments.gift(alice.id, bob.id, 8, idempotency_key="retry-me")
    assert refused.value.field == "Idempotency-Key"


def test_after_redis_forgets_the_store_still_replays(two_processes: Processes) -> None:
    first, second, tier = two_processes
    alice, bob = people(first, "alice", "bob")
    fund(first, alice.id, 100)
    gift = first.payments.gift(alice.id, bob.id, 7, idempotency_key="retry-me")
    assert tier.flush() > 0
    with recording() as work:
        assert second.payments.gift(alice.id, bob.id, 7, idempotency_key="retry-me") == gift
    assert work.cache_reads == 0 and work.db_reads >= 1 and work.db_writes == 0
    assert ledger_balance(second, LedgerKind.WALLET, bob.id) == 7
    assert second.ledger.audit().balanced


def test_a_refused_request_leaves_nothing_cached(two_processes: Processes) -> None:
    """Only a committed result is cached: a gift refused for want of coins runs afresh
    on any process once the sender can pay."""
    first, second, _ = two_processes
    alice, bob = people(first, "alice", "bob")
    with pytest.raises(InsufficientFunds):
        first.payments.gift(alice.id, bob.id, 7, idempotency_key="too-soon")
    fund(first, alice.id, 100)
    second.payments.gift(alice.id, bob.id, 7, idempotency_key="too-soon")
    assert ledger_balance(first, LedgerKind.WALLET, bob.id) == 7
