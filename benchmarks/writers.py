"""Concurrent gift transfers per second on PostgreSQL: do writers scale, or queue?

`WRITERS` threads each time `GIFTS_PER_WRITER` one-fen gifts (`Payments.gift`, the call
behind `POST /wallets/{id}/gifts`) round a ring of their own `WALLETS_PER_WRITER` seeded
wallets, so no two writers touch the same wallet: any waiting between them is the store's
own locking, not contention the workload asked for. Reference, in the same repeat: one
thread making the same number of gifts per writer, alone. The ratio of the two throughputs
is what changed when the global writer lock gave way to row locks (about 1 when writers
queue behind one lock; above 1 when they overlap). After each repeat the ledger audit must
balance and the journal must have grown by exactly the gifts made (else the suite fails).

Measured when FANOUT_BENCH_POSTGRES names a reachable database URL, in a schema of its own
that is dropped afterwards; skipped, with the reason, otherwise.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from sqlalchemy.exc import OperationalError

from benchmarks.fanout import POSTGRES_ENV
from benchmarks.ledger import GIFT_FEN, audited, journal_size, seeded_wallets
from benchmarks.runner import Benchmark, Measured, Ratio, Repeat, Skipped
from microblog.platform import Microblog
from microblog.store.sql import SqlStore
from microblog.store.sql.scratch import scratch_schema

WRITERS = 4
WALLETS_PER_WRITER = 50
GIFTS_PER_WRITER = {True: 200, False: 500}
"""Gifts each writer makes per repeat, quick and full."""


def ring_gifts(blog: Microblog, ring: list[int], gifts: int, keys: Iterator[int]) -> None:
    """`gifts` one-fen gifts, each from one wallet of the ring to the next, each its own key."""
    for n in range(gifts):
        sender, recipient = ring[n % len(ring)], ring[(n + 1) % len(ring)]
        blog.payments.gift(sender, recipient, GIFT_FEN, idempotency_key=f"w-{next(keys)}")


def time_writers(blog: Microblog, rings: list[list[int]], gifts: int, keys: Iterator[int]) -> float:
    """Seconds until every ring has made `gifts` gifts, one thread per ring, all at once."""
    errors: list[BaseException] = []
    start = threading.Barrier(len(rings) + 1)

    def write(ring: list[int]) -> None:
        start.wait()
        try:
            ring_gifts(blog, ring, gifts, keys)
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller's thread
            errors.append(error)

    threads = [threading.Thread(target=write, args=(ring,)) for ring in rings]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - started


@contextmanager
def fresh_schema(url: str) -> Iterator[str]:
    """A URL to an empty schema of the database at `url`, dropped afterwards."""
    try:
        with scratch_schema(url, "fanout_bench") as scoped:
            yield scoped
    except OperationalError as error:
        raise Skipped(f"PostgreSQL at {url} unusable: {str(error).splitlines()[0]}") from None


@contextmanager
def prepare(quick: bool) -> Iterator[Repeat]:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        raise Skipped(f"PostgreSQL: not measured, {POSTGRES_ENV} unset")
    gifts = GIFTS_PER_WRITER[quick]
    with ExitStack() as stack:
        store = SqlStore(stack.enter_context(fresh_schema(url)))
        blog = Microblog(store)
        stack.callback(blog.close)
        ids = seeded_wallets(blog, WRITERS * WALLETS_PER_WRITER)
        rings = [ids[i::WRITERS] for i in range(WRITERS)]
        keys = itertools.count()

        def repeat() -> Measured:
            before = journal_size(store)
            concurrent_s = time_writers(blog, rings, gifts, keys)
            alone_s = time_writers(blog, rings[:1], gifts, keys)
            balanced, failures = audited(blog, before + gifts * (WRITERS + 1))
            values = {
                "gifts_per_s": WRITERS * gifts / concurrent_s,
                "reference.one_writer_gifts_per_s": gifts / alone_s,
                "audit_balanced": balanced,
            }
            return Measured(values, failures=failures)

        yield repeat


BENCHMARK = Benchmark(
    name="writers",
    description=f"gifts/s of {WRITERS} concurrent writers on PostgreSQL vs one writer alone",
    prepare=prepare,
    units={
        "gifts_per_s": "gifts/s",
        "reference.one_writer_gifts_per_s": "gifts/s",
        "audit_balanced": "1 = balanced",
    },
    ratios={
        "ratio.concurrent_vs_one_writer": Ratio("gifts_per_s", "reference.one_writer_gifts_per_s")
    },
    repeats=3,
    quick_repeats=2,
)
