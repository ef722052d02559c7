"""Memory backend of the games catalogue, shops, products, product posts and orders."""

from __future__ import annotations

from microblog.errors import Conflict
from microblog.money_models import (
    Game,
    GameItem,
    Order,
    OrderStatus,
    Product,
    ProductPost,
    Shop,
)
from microblog.store.memory_money import MoneyData
from microblog.store.paging import page_sorted
from microblog.store.records import replace
from microblog.work import record


def _copy_game(game: Game) -> Game:
    return replace(game, items=list(game.items))


class MemoryGames:
    def __init__(self, data: MoneyData) -> None:
        self.d = data

    def count(self) -> int:
        record(db_reads=1)
        return len(self.d.games)

    def create(self, name: str, genre: str, items: list[tuple[str, int]]) -> Game:
        game = Game(self.d.next_id("games"), name, genre)
        for item_name, price_fen in items:
            item = GameItem(self.d.next_id("game_items"), game.id, item_name, price_fen)
            self.d.items[item.id] = item
            game.items.append(item)
        self.d.games[game.id] = game
        record(db_writes=1 + len(items))
        return _copy_game(game)

    def games(self) -> list[Game]:
        found = [_copy_game(g) for g in self.d.games.values()]
        record(db_reads=sum(1 + len(g.items) for g in found))
        return found

    def get(self, game_id: int) -> Game | None:
        game = self.d.games.get(game_id)
        record(db_reads=0 if game is None else 1 + len(game.items))
        return None if game is None else _copy_game(game)

    def item(self, item_id: int) -> GameItem | None:
        item = self.d.items.get(item_id)
        record(db_reads=0 if item is None else 1)
        return item


class MemoryShops:
    def __init__(self, data: MoneyData) -> None:
        self.d = data

    def create_shop(self, owner_id: int, name: str, created_at: float) -> Shop:
        if owner_id in self.d.shop_of:
            raise Conflict(f"account {owner_id} already has shop {self.d.shop_of[owner_id]}")
        shop = Shop(self.d.next_id("shops"), owner_id, name, created_at)
        self.d.shops[shop.id] = shop
        self.d.shop_of[owner_id] = shop.id
        record(db_writes=1)
        return shop

    def shop(self, shop_id: int) -> Shop | None:
        shop = self.d.shops.get(shop_id)
        record(db_reads=0 if shop is None else 1)
        return shop

    def shop_of(self, owner_id: int) -> Shop | None:
        shop_id = self.d.shop_of.get(owner_id)
        return None if shop_id is None else self.shop(shop_id)

    def add_product(
        self, shop: Shop, name: str, price_fen: int, stock: int, created_at: float
    ) -> Product:
        product = Product(
            self.d.next_id("products"), shop.id, shop.owner_id, name, price_fen, stock, created_at
        )
        self.d.products[product.id] = product
        self.d.shop_products[shop.id].append(product.id)
        record(db_writes=1)
        return replace(product)

    def product(self, product_id: int, *, lock: bool = False) -> Product | None:
        product = self.d.products.get(product_id)
        record(db_reads=0 if product is None else 1)
        return None if product is None else replace(product)

    def products(self, shop_id: int, before: int | None, limit: int) -> list[Product]:
        ids = page_sorted(self.d.shop_products.get(shop_id, []), before, limit)
        record(db_reads=len(ids))
        return [replace(self.d.products[i]) for i in ids]

    def update_product(self, product_id: int, price_fen: int | None, add_stock: int) -> None:
        product = self.d.products[product_id]
        if price_fen is not None:
            product.price_fen = price_fen
        product.stock += add_stock
        record(db_writes=1)

    def take_stock(self, product_id: int, quantity: int) -> bool:
        product = self.d.products[product_id]
        if product.stock < quantity:
            return False
        product.stock -= quantity
        record(db_writes=1)
        return True

    def link_post(self, link: ProductPost) -> None:
        self.d.post_links[link.post_id] = link
        record(db_writes=1)

    def post_link(self, post_id: int) -> ProductPost | None:
        link = self.d.post_links.get(post_id)
        record(db_reads=0 if link is None else 1)
        return link

    def create_order(self, order: Order) -> Order:
        stored = replace(order, id=self.d.next_id("orders"))
        self.d.orders[stored.id] = stored
        self.d.buyer_orders[stored.buyer_id].append(stored.id)
        self.d.shop_orders[stored.shop_id].append(stored.id)
        record(db_writes=1)
        return replace(stored)

    def order(self, order_id: int, *, lock: bool = False) -> Order | None:
        order = self.d.orders.get(order_id)
        record(db_reads=0 if order is None else 1)
        return None if order is None else replace(order)

    def mark_refunded(self, order_id: int, refunded_at: float) -> bool:
        order = self.d.orders[order_id]
        if order.status is OrderStatus.REFUNDED:
            return False
        order.status, order.refunded_at = OrderStatus.REFUNDED, refunded_at
        record(db_writes=1)
        return True

    def buyer_orders(self, buyer_id: int, before: int | None, limit: int) -> list[Order]:
        return self._page(self.d.buyer_orders.get(buyer_id, []), before, limit)

    def shop_orders(self, shop_id: int, before: int | None, limit: int) -> list[Order]:
        return self._page(self.d.shop_orders.get(shop_id, []), before, limit)

    def _page(self, order_ids: list[int], before: int | None, limit: int) -> list[Order]:
        ids = page_sorted(order_ids, before, limit)
        record(db_reads=len(ids))
        return [replace(self.d.orders[i]) for i in ids]

    def negative_stock(self) -> list[int]:
        found = sorted(p.id for p in self.d.products.values() if p.stock < 0)
        record(db_reads=len(found))
        return found
