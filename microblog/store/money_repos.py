"""Storage interfaces of the micro-coin economy (part of `Tx`, see `microblog.store.base`).

Same rules as the social core: every method records the rows it read or wrote. Methods
that guard money or stock change nothing and return False/None when their condition fails
(`UPDATE ... WHERE balance >= :x`), so a service can refuse before any change on the memory
backend and the SQL backend keeps the guarantee under concurrent writers. `lock=True` reads
take the row lock (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite's write blocks are already
serialised by `BEGIN IMMEDIATE`).
"""

from __future__ import annotations

from typing import Protocol

from microblog.money_models import (
    Game,
    GameItem,
    IdempotencyRecord,
    LedgerAccount,
    LedgerKind,
    Order,
    Product,
    ProductPost,
    Shop,
    TopUp,
    TopUpChannel,
    TopUpStatus,
    Transfer,
    TransferKind,
)


class LedgerRepo(Protocol):
    def find(self, kind: LedgerKind, owner_id: int) -> LedgerAccount | None: ...
    def open(self, kind: LedgerKind, owner_id: int) -> LedgerAccount:
        """The ledger account, created with a zero balance on first use."""
        ...

    def lock(self, ids: list[int], *, wait: bool = True) -> dict[int, LedgerAccount]:
        """Read and lock these ledger accounts, in id order (no deadlocks between payers).

        With `wait=False`, raise `Busy` (changing nothing) instead of waiting when another
        transaction holds one of them.
        """
        ...

    def transfer(
        self,
        debit_id: int,
        credit_id: int,
        amount_fen: int,
        kind: TransferKind,
        ref_id: int | None,
        created_at: float,
    ) -> Transfer | None:
        """Move coins and journal the transfer; None, changing nothing, when the debit
        account may not run negative and holds less than `amount_fen`."""
        ...

    def statement(self, ledger_id: int, before: int | None, limit: int) -> list[Transfer]:
        """Transfers in or out of one ledger account, newest first."""
        ...

    def accounts(self) -> list[LedgerAccount]: ...
    def journal_balances(self) -> dict[int, int]:
        """Each ledger account's balance recomputed from the journal (credits - debits)."""
        ...

    def kind_totals(self) -> dict[TransferKind, int]:
        """Fen moved per transfer kind, over the whole journal."""
        ...

    def transfer_count(self) -> int: ...


class IdempotencyRepo(Protocol):
    def get(self, account_id: int, key: str) -> IdempotencyRecord | None: ...
    def put(self, entry: IdempotencyRecord) -> None:
        """Remember a first result; raises `Conflict` if a concurrent request won the key."""
        ...


class TopUpRepo(Protocol):
    def create(
        self, account_id: int, amount_fen: int, channel: TopUpChannel, created_at: float
    ) -> TopUp: ...

    def get(self, topup_id: int, *, lock: bool = False) -> TopUp | None: ...
    def settle(self, topup_id: int, status: TopUpStatus, settled_at: float) -> bool:
        """Move a pending top-up to its final status; False if it was no longer pending."""
        ...

    def confirmed_total(self) -> int:
        """Fen of all confirmed top-ups (the audit matches it against the journal)."""
        ...


class GameRepo(Protocol):
    def count(self) -> int: ...
    def create(self, name: str, genre: str, items: list[tuple[str, int]]) -> Game:
        """A game with its (name, price_fen) items."""
        ...

    def games(self) -> list[Game]: ...
    def get(self, game_id: int) -> Game | None: ...
    def item(self, item_id: int) -> GameItem | None: ...


class ShopRepo(Protocol):
    def create_shop(self, owner_id: int, name: str, created_at: float) -> Shop:
        """Raises `Conflict` when the owner already has a shop."""
        ...

    def shop(self, shop_id: int) -> Shop | None: ...
    def shop_of(self, owner_id: int) -> Shop | None: ...
    def add_product(
        self, shop: Shop, name: str, price_fen: int, stock: int, created_at: float
    ) -> Product: ...

    def product(self, product_id: int, *, lock: bool = False) -> Product | None: ...
    def products(self, shop_id: int, before: int | None, limit: int) -> list[Product]: ...
    def update_product(self, product_id: int, price_fen: int | None, add_stock: int) -> None: ...
    def take_stock(self, product_id: int, quantity: int) -> bool:
        """Remove units from stock; False, changing nothing, when fewer are left."""
        ...

    def link_post(self, link: ProductPost) -> None: ...
    def post_link(self, post_id: int) -> ProductPost | None: ...
    def create_order(self, order: Order) -> Order:
        """Store an order; the id of the one given is ignored and a new one assigned."""
        ...

    def order(self, order_id: int, *, lock: bool = False) -> Order | None: ...
    def mark_refunded(self, order_id: int, refunded_at: float) -> bool:
        """Paid -> refunded; False if it was already refunded."""
        ...

    def buyer_orders(self, buyer_id: int, before: int | None, limit: int) -> list[Order]:
        """A buyer's orders, newest first."""
        ...

    def shop_orders(self, shop_id: int, before: int | None, limit: int) -> list[Order]:
        """A shop's orders, newest first."""
        ...

    def negative_stock(self) -> list[int]:
        """Ids of products whose stock is below zero (must always be empty)."""
        ...
