"""Writers side by side on PostgreSQL (no global lock) stay exactly as correct as SQLite's
one-at-a-time writers: no deadlock, no oversold stock, exact counters, keys paid once.

Every case starts its threads at one barrier, so they really collide, and joins them with
a timeout, so a deadlock fails the test instead of hanging it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

import numpy as np
import pytest

from microblog.errors import Busy, Conflict
from microblog.models import Account, Role
from microblog.money_models import Gift, LedgerKind, Order
from microblog.platform import Microblog
from tests.microblog.ads_support import MakeWorld, World
from tests.microblog.conftest import MakeBlog, people
from tests.microblog.money_helpers import fund, merchant_product

BACKENDS = ["sqlite", "postgres"]
JOIN_TIMEOUT_S = 60


def at_once(calls: list[Callable[[], object]]) -> list[object]:
    """Run the calls in threads released together; each one's result or exception."""
    results: list[object] = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = calls[i]()
        except BaseException as error:  # noqa: BLE001 - returned to the test
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_TIMEOUT_S)
        assert not thread.is_alive(), "a writer hung (deadlock or a lock never released)"
    return results


def unexpected(results: list[object]) -> list[BaseException]:
    """Exceptions other than the refusals a service may answer (409)."""
    return [r for r in results if isinstance(r, BaseException) and not isinstance(r, Conflict)]


@pytest.mark.parametrize("backend", ["postgres"])
def test_a_write_block_does_not_wait_for_another_writer(blog: Microblog) -> None:
    """The writer lock is gone: a transaction left open blocks nobody who writes elsewhere."""
    ann, bob, cat = people(blog, "ann", "bob", "cat")
    with blog.store.write() as tx:
        tx.accounts.update_profile(ann.id, ann.profile)
        (done,) = at_once([lambda: blog.graph.follow(cat.id, bob.id)])
    assert not isinstance(done, BaseException)
    assert blog.accounts.get(bob.id).follower_count == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_gifts_both_ways_between_two_wallets_never_deadlock(make_blog: MakeBlog) -> None:
    blog = make_blog()
    ann, bob = people(blog, "ann", "bob")
    fund(blog, ann.id, 5_000)
    fund(blog, bob.id, 5_000)
    rng = np.random.default_rng(19)
    calls: list[Callable[[], object]] = []
    for n in range(4):
        payer, payee = (ann, bob) if n % 2 else (bob, ann)
        amounts = [int(a) for a in rng.integers(1, 400, 60)]
        calls.append(partial(gifts, blog, payer.id, payee.id, amounts, n))
    results = at_once(calls)
    assert unexpected(results) == []
    moved = {ann.id: 0, bob.id: 0}
    for gift in (g for done in results if isinstance(done, list) for g in done):
        moved[gift.sender_id] -= gift.amount_fen
        moved[gift.recipient_id] += gift.amount_fen
    assert blog.payments.balance(ann.id) == 5_000 + moved[ann.id]
    assert blog.payments.balance(bob.id) == 5_000 + moved[bob.id]
    audit = blog.ledger.audit()
    assert audit.balanced, audit.problems


def gifts(blog: Microblog, payer: int, payee: int, amounts: list[int], n: int) -> list[Gift]:
    """The gifts that went through (a refused overdraft is an everyday outcome)."""
    done = []
    for i, amount in enumerate(amounts):
        try:
            done.append(blog.payments.gift(payer, payee, amount, idempotency_key=f"g{n}-{i}"))
        except Conflict:
            continue
    return done


@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_orders_never_oversell_a_product(make_blog: MakeBlog) -> None:
    blog = make_blog()
    product = merchant_product(blog, price_fen=100, stock=3)
    buyers = people(blog, *(f"buyer{i}" for i in range(8)))
    for buyer in buyers:
        fund(blog, buyer.id, 1_000)
    results = at_once(
        [partial(blog.orders.place, b.id, product.id, idempotency_key=f"o-{b.id}") for b in buyers]
    )
    assert unexpected(results) == []
    assert sum(isinstance(r, Order) for r in results) == 3
    assert blog.shops.product(product.id).stock == 0
    assert blog.ledger.audit().balanced


@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_likes_and_follows_keep_counts_exact(make_blog: MakeBlog) -> None:
    blog = make_blog()
    star, *fans = people(blog, "star", *(f"fan{i}" for i in range(6)))
    post = blog.posts.create(star.id, "hello")
    calls: list[Callable[[], object]] = []
    for fan in fans:  # each twice: a double tap likes and follows once
        calls += [partial(blog.posts.like, fan.id, post.id)] * 2
        calls += [partial(blog.graph.follow, fan.id, star.id)] * 2
        calls.append(partial(blog.graph.follow, star.id, fan.id))  # and back at once
    results = at_once(calls)
    assert unexpected(results) == []
    assert sum(r is True for r in results) == len(fans), "each fan's like counted once"
    assert blog.posts.get(star.id, post.id).like_count == len(fans)
    counts = blog.accounts.get(star.id)
    assert (counts.follower_count, counts.followee_count) == (len(fans), len(fans))
    for fan in fans:
        assert (blog.accounts.get(fan.id).follower_count, fan.followee_count) == (1, 0)


@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_retries_of_one_order_pay_and_take_stock_once(make_blog: MakeBlog) -> None:
    blog = make_blog()
    product = merchant_product(blog, price_fen=250, stock=10)
    (buyer,) = people(blog, "buyer")
    fund(blog, buyer.id, 10_000)
    results = at_once(
        [lambda: blog.orders.place(buyer.id, product.id, 2, idempotency_key="same")] * 6
    )
    assert unexpected(results) == []
    assert len({r.id for r in results if isinstance(r, Order)}) == 1
    assert all(isinstance(r, Order) for r in results), "retries replay, not refuse"
    assert blog.shops.product(product.id).stock == 8
    assert blog.payments.balance(buyer.id) == 10_000 - 500


@pytest.mark.parametrize("backend", BACKENDS)
def test_ad_pages_charging_two_advertisers_who_gift_each_other_never_deadlock(
    make_world: MakeWorld,
) -> None:
    """A page charges two advertisers in auction order (the later account first) while
    they pay each other, which locks their wallets in id order: only the page's first
    charge waits, so the two never wait on each other (a busy second ad is skipped)."""
    world = make_world(ad_load=0.5, reserve_cpm=2000)
    first, second = (world.account(Role.ADVERTISER) for _ in range(2))
    world.campaign(first, bid=2500)
    world.campaign(second, bid=3000)
    readers = [world.reader(posts=4) for _ in range(8)]
    calls: list[Callable[[], object]] = [
        partial(read_feeds, world, readers[i::4]) for i in range(4)
    ]
    calls += [
        partial(gifts, world.blog, payer.id, payee.id, [1] * 30, n)
        for n, (payer, payee) in enumerate([(first, second), (second, first)])
    ]
    assert unexpected(at_once(calls)) == []
    assert len(readers) <= world.blog.ads.totals().impressions <= 2 * len(readers)
    world.assert_books_balance()


def read_feeds(world: World, readers: list[Account]) -> int:
    """Ads shown on the readers' first pages."""
    return sum(len(world.ads_seen(reader)) for reader in readers)


@pytest.mark.parametrize("backend", ["postgres"])
def test_a_lock_that_will_not_wait_refuses_busy_rows_and_the_transaction_goes_on(
    blog: Microblog,
) -> None:
    ann, bob = people(blog, "ann", "bob")
    fund(blog, ann.id, 100)
    with blog.store.read() as tx:
        wallet = tx.ledger.find(LedgerKind.WALLET, ann.id)
    assert wallet is not None

    def try_lock() -> object:
        with blog.store.write() as tx:
            with pytest.raises(Busy):
                tx.ledger.lock([wallet.id], wait=False)
            return tx.accounts.get(bob.id)

    with blog.store.write() as holder:
        holder.ledger.lock([wallet.id])
        (refused,) = at_once([try_lock])
    assert refused == bob
    (taken,) = at_once([try_lock])
    assert isinstance(taken, BaseException), "free rows are locked, not refused"
