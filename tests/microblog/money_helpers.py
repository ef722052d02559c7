"""Helpers of the money tests: funded users, a merchant's product, and the books that a
set of successful results implies."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field

from microblog.models import Account, Role, Tier
from microblog.money_models import (
    Gift,
    LedgerKind,
    Order,
    OrderStatus,
    Product,
    Purchase,
    Withdrawal,
)
from microblog.platform import Microblog
from microblog.services.accounts import NewAccount
from microblog.services.shops import NewProduct, NewShop

RELIABLE_GATEWAY: dict[str, object] = {
    "money": {"gateway": {"latency_ms": 0.0, "failure_rate": 0.0}}
}
"""Platform config of a gateway that confirms every charge at once."""

_keys = itertools.count()


def key() -> str:
    """A fresh idempotency key."""
    return f"key-{next(_keys)}"


def fund(blog: Microblog, account_id: int, fen: int) -> None:
    blog.payments.seed_credits([(account_id, fen)])


def merchant_product(
    blog: Microblog, name: str = "grocer", price_fen: int = 1000, stock: int = 10
) -> Product:
    """A new merchant's shop selling one product."""
    ((merchant, _),) = blog.accounts.register_many([NewAccount(name, Role.MERCHANT)])
    ((_, products),) = blog.shops.seed(
        [NewShop(merchant.id, f"{name}'s shop", [NewProduct("green tea", price_fen, stock)])]
    )
    return products[0]


def influencer(blog: Microblog, name: str = "star") -> Account:
    ((account, _),) = blog.accounts.register_many([NewAccount(name, Role.INFLUENCER, Tier.BIG_V)])
    return account


def ledger_balance(blog: Microblog, kind: LedgerKind, owner_id: int = 0) -> int:
    with blog.store.read() as tx:
        account = tx.ledger.find(kind, owner_id)
    return 0 if account is None else account.balance_fen


@dataclass
class ExpectedBooks:
    """Wallet balances, platform revenue and stock implied by successful results.

    Balances are sums, so the order results happened in does not matter: comparing these
    with the store proves every result moved its money exactly once.
    """

    wallets: Counter[int] = field(default_factory=Counter)
    platform_fen: int = 0
    developers: Counter[int] = field(default_factory=Counter)
    stock: Counter[int] = field(default_factory=Counter)

    def apply(self, result: object) -> None:
        if isinstance(result, Gift):
            self.wallets[result.sender_id] -= result.amount_fen
            self.wallets[result.recipient_id] += result.amount_fen
        elif isinstance(result, Withdrawal):
            self.wallets[result.account_id] -= result.amount_fen
        elif isinstance(result, Purchase):
            self.wallets[result.account_id] -= result.amount_fen
            self.developers[result.game_id] += result.developer_fen
            self.platform_fen += result.platform_fen
        elif isinstance(result, Order):
            self._order(result, 1 if result.status is OrderStatus.PAID else -1)
        else:
            raise TypeError(f"not a money result: {result!r}")

    def _order(self, order: Order, sign: int) -> None:
        self.wallets[order.buyer_id] -= sign * order.amount_fen
        self.wallets[order.merchant_id] += sign * order.merchant_fen
        if order.influencer_id is not None:
            self.wallets[order.influencer_id] += sign * order.influencer_fen
        self.platform_fen += sign * order.platform_fen
        self.stock[order.product_id] -= sign * order.quantity

    def assert_matches(self, blog: Microblog) -> None:
        for account_id, fen in self.wallets.items():
            assert blog.payments.balance(account_id) == fen, f"wallet of account {account_id}"
        for game_id, fen in self.developers.items():
            assert ledger_balance(blog, LedgerKind.DEVELOPER, game_id) == fen, f"game {game_id}"
        assert ledger_balance(blog, LedgerKind.PLATFORM) == self.platform_fen
        for product_id, units in self.stock.items():
            assert blog.shops.product(product_id).stock == units, f"product {product_id}"
