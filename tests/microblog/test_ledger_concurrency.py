"""Thousands of payments from many threads at once: no balance or stock below zero, books
balanced to the fen, and every retried request paid exactly once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest

from microblog.errors import Conflict
from microblog.models import Account, Role
from microblog.money_models import Order, OrderStatus, Product
from microblog.platform import Microblog
from microblog.services.accounts import NewAccount
from microblog.services.shops import NewProduct, NewShop
from tests.microblog.conftest import MakeBlog
from tests.microblog.money_helpers import ExpectedBooks, influencer

THREADS = 8
OPS_PER_THREAD = 200
RETRY_SHARE = 0.3
SEED = 20_240_611


@dataclass
class Market:
    """The accounts, products and product posts the workload trades with."""

    users: list[Account]
    merchants: list[Account]
    stars: list[Account]
    products: list[Product]
    posts: dict[int, int]
    """Product id -> id of a post selling it."""
    items: list[int]
    """Game items on sale."""
    orders: list[Order] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def everyone(self) -> list[Account]:
        return self.users + self.merchants + self.stars


def open_market(blog: Microblog, books: ExpectedBooks) -> Market:
    made = blog.accounts.register_many(
        [NewAccount(f"buyer{i}") for i in range(12)]
        + [NewAccount(f"merchant{i}", Role.MERCHANT) for i in range(3)]
    )
    accounts = [a for a, _ in made]
    users, merchants = accounts[:12], accounts[12:]
    stars = [influencer(blog, f"star{i}") for i in range(2)]
    shops = blog.shops.seed(
        [
            NewShop(
                m.id, f"shop {i}", [NewProduct(f"good {j}", 300 + 200 * j, 100) for j in range(2)]
            )
            for i, m in enumerate(merchants)
        ]
    )
    products = [p for _, listed in shops for p in listed]
    posts: dict[int, int] = {}
    for i, product in enumerate(products):
        author = stars[i % 2].id if i % 3 else product.merchant_id
        post, _ = blog.shops.post_product(author, product.id, f"buy good {product.id}")
        posts[product.id] = post.id
        books.stock[product.id] = product.stock
    credits = [(u.id, 500 if i % 4 == 0 else 100_000) for i, u in enumerate(users)]
    credits += [(s.id, 1000) for s in stars]
    blog.payments.seed_credits(credits)
    for account_id, fen in credits:
        books.wallets[account_id] += fen
    items = [i.id for game in blog.games.catalogue()[:5] for i in game.items]
    return Market(users, merchants, stars, products, posts, items)


Request = Callable[[str], object]


def pick_request(blog: Microblog, market: Market, rng: np.random.Generator) -> Request | None:
    """One random payment request, as a call taking its idempotency key."""
    roll = rng.random()
    if roll < 0.35:
        payer, payee = rng.choice(len(market.everyone), 2, replace=False)
        sender, recipient = market.everyone[payer].id, market.everyone[payee].id
        amount = int(rng.integers(1, 500))
        return lambda k: blog.payments.gift(sender, recipient, amount, idempotency_key=k)
    buyer = market.users[int(rng.integers(len(market.users)))].id
    if roll < 0.55:
        item = market.items[int(rng.integers(len(market.items)))]
        quantity = int(rng.integers(1, 3))
        return lambda k: blog.games.buy(buyer, item, quantity, idempotency_key=k)
    if roll < 0.85:
        product = market.products[int(rng.integers(len(market.products)))]
        post = market.posts[product.id] if rng.random() < 0.5 else None
        quantity = int(rng.integers(1, 4))
        return lambda k: blog.orders.place(
            buyer, product.id, quantity, post_id=post, idempotency_key=k
        )
    if roll < 0.95:
        with market.lock:
            if not market.orders:
                return None
            order = market.orders[int(rng.integers(len(market.orders)))]
        return lambda k: blog.orders.refund(order.merchant_id, order.id, idempotency_key=k)
    account = market.everyone[int(rng.integers(len(market.everyone)))].id
    amount = int(rng.integers(1, 300))
    return lambda k: blog.payments.withdraw(account, amount, idempotency_key=k)


@dataclass
class Outcomes:
    succeeded: list[tuple[Request, str, object]] = field(default_factory=list)
    refused: int = 0
    errors: list[BaseException] = field(default_factory=list)


def trade(
    blog: Microblog, market: Market, rng: np.random.Generator, name: str, out: Outcomes
) -> None:
    for n in range(OPS_PER_THREAD):
        request = pick_request(blog, market, rng)
        if request is None:
            continue
        key = f"{name}-{n}"
        try:
            result = request(key)
            if rng.random() < RETRY_SHARE:
                assert request(key) == result, "a retry returned another result"
        except Conflict:
            out.refused += 1
            continue
        except BaseException as error:  # noqa: BLE001 - reported by the test
            out.errors.append(error)
            return
        out.succeeded.append((request, key, result))
        if isinstance(result, Order) and result.status is OrderStatus.PAID:
            with market.lock:
                market.orders.append(result)


def run_market(blog: Microblog) -> tuple[ExpectedBooks, Outcomes]:
    books = ExpectedBooks()
    market = open_market(blog, books)
    out = Outcomes()
    seeds = np.random.SeedSequence(SEED).spawn(THREADS)
    threads = [
        threading.Thread(target=trade, args=(blog, market, np.random.default_rng(s), f"t{i}", out))
        for i, s in enumerate(seeds)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return books, out


@pytest.mark.parametrize("backend", ["memory", "sqlite"])  # the acceptance run; ~15 s on PG
def test_thousands_of_concurrent_payments_keep_the_books(make_blog: MakeBlog) -> None:
    blog = make_blog()
    books, out = run_market(blog)
    assert out.errors == []
    for _, _, result in out.succeeded:
        books.apply(result)
    kinds = {type(r).__name__ + getattr(r, "status", "") for _, _, r in out.succeeded}
    assert {"Gift", "Purchase", "Orderpaid", "Orderrefunded", "Withdrawal"} <= kinds
    assert len(out.succeeded) + out.refused > THREADS * OPS_PER_THREAD * 0.8
    audit = blog.ledger.audit()
    assert audit.balanced, audit.problems
    books.assert_matches(blog)
    for request, key, result in out.succeeded[::10]:
        assert request(key) == result
    books.assert_matches(blog)


def test_one_request_sent_by_many_threads_at_once_pays_once(make_blog: MakeBlog) -> None:
    blog = make_blog()
    ((ann, _), (bob, _)) = blog.accounts.register_many([NewAccount("ann"), NewAccount("bob")])
    blog.payments.seed_credits([(ann.id, 10_000)])
    results: list[object] = []
    barrier = threading.Barrier(THREADS)

    def send() -> None:
        barrier.wait()
        results.append(blog.payments.gift(ann.id, bob.id, 700, idempotency_key="once"))

    threads = [threading.Thread(target=send) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == THREADS and all(r == results[0] for r in results)
    assert (blog.payments.balance(ann.id), blog.payments.balance(bob.id)) == (9300, 700)
