"""SQL repositories of the games catalogue, shops, products, product posts and orders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, replace
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

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
from microblog.store.sql import money_schema as m
from microblog.store.sql.locks import ROW_LOCK, claim
from microblog.store.sql.money import new_id
from microblog.work import record

P = m.products
# The order path's statements are built once (see microblog.store.sql.money).
_PRODUCT = select(P).where(P.c.id == bindparam("product"))
_PRODUCT_LOCKED = _PRODUCT.with_for_update(**ROW_LOCK)
_TAKE_STOCK = (
    update(P)
    .where(P.c.id == bindparam("product"), P.c.stock >= bindparam("quantity"))
    .values(stock=P.c.stock - bindparam("quantity"))
)
_LINK = select(m.product_posts).where(m.product_posts.c.post_id == bindparam("post"))


def _insert(conn: Connection, table: Table, values: dict[str, Any]) -> int:
    inserted = new_id(conn.execute(insert(table), values))
    record(db_writes=1)
    return inserted


class SqlGames:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def count(self) -> int:
        """Games in the catalogue; in a write block it also claims the catalogue, so two
        processes seeding a fresh store at once create it once."""
        claim(self.conn, ("games-catalogue",))
        record(db_reads=1)
        return self.conn.scalar(select(func.count()).select_from(m.games)) or 0

    def create(self, name: str, genre: str, items: list[tuple[str, int]]) -> Game:
        game = Game(_insert(self.conn, m.games, {"name": name, "genre": genre}), name, genre)
        rows = [{"game_id": game.id, "name": n, "price_fen": p} for n, p in items]
        query = insert(m.game_items).returning(m.game_items.c.id, sort_by_parameter_order=True)
        ids = list(self.conn.scalars(query, rows)) if rows else []
        game.items = [GameItem(i, game.id, n, p) for i, (n, p) in zip(ids, items, strict=True)]
        record(db_writes=len(items))
        return game

    def games(self) -> list[Game]:
        return self._with_items(self.conn.execute(select(m.games).order_by(m.games.c.id)).all())

    def get(self, game_id: int) -> Game | None:
        rows = self.conn.execute(select(m.games).where(m.games.c.id == game_id)).all()
        found = self._with_items(rows)
        return found[0] if found else None

    def _with_items(self, rows: Sequence[Any]) -> list[Game]:
        games = {row.id: Game(row.id, row.name, row.genre) for row in rows}
        i = m.game_items.c
        query = select(m.game_items).where(i.game_id.in_(list(games))).order_by(i.id)
        items = self.conn.execute(query).all()
        for row in items:
            games[row.game_id].items.append(GameItem(row.id, row.game_id, row.name, row.price_fen))
        record(db_reads=len(games) + len(items))
        return list(games.values())

    def item(self, item_id: int) -> GameItem | None:
        row = self.conn.execute(select(m.game_items).where(m.game_items.c.id == item_id)).first()
        record(db_reads=1 if row else 0)
        return GameItem(row.id, row.game_id, row.name, row.price_fen) if row else None


def _product(row: Any) -> Product:
    return Product(
        row.id, row.shop_id, row.merchant_id, row.name, row.price_fen, row.stock, row.created_at
    )


def _order(row: Any) -> Order:
    values = row._asdict()
    values["status"] = OrderStatus(values["status"])
    return Order(**values)


class SqlShops:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def create_shop(self, owner_id: int, name: str, created_at: float) -> Shop:
        values = {"owner_id": owner_id, "name": name, "created_at": created_at}
        try:
            with self.conn.begin_nested():
                new_id = _insert(self.conn, m.shops, values)
        except IntegrityError:
            raise Conflict(f"account {owner_id} already has a shop") from None
        return Shop(new_id, owner_id, name, created_at)

    def shop(self, shop_id: int) -> Shop | None:
        return self._shop(m.shops.c.id == shop_id)

    def shop_of(self, owner_id: int) -> Shop | None:
        return self._shop(m.shops.c.owner_id == owner_id)

    def _shop(self, condition: Any) -> Shop | None:
        row = self.conn.execute(select(m.shops).where(condition)).first()
        record(db_reads=1 if row else 0)
        return Shop(row.id, row.owner_id, row.name, row.created_at) if row else None

    def add_product(
        self, shop: Shop, name: str, price_fen: int, stock: int, created_at: float
    ) -> Product:
        values = dict(
            shop_id=shop.id,
            merchant_id=shop.owner_id,
            name=name,
            price_fen=price_fen,
            stock=stock,
            created_at=created_at,
        )
        new_id = _insert(self.conn, m.products, values)
        return Product(new_id, shop.id, shop.owner_id, name, price_fen, stock, created_at)

    def product(self, product_id: int, *, lock: bool = False) -> Product | None:
        query = _PRODUCT_LOCKED if lock else _PRODUCT
        row = self.conn.execute(query, {"product": product_id}).first()
        record(db_reads=1 if row else 0)
        return _product(row) if row else None

    def products(self, shop_id: int, before: int | None, limit: int) -> list[Product]:
        c = m.products.c
        query = select(m.products).where(c.shop_id == shop_id)
        if before is not None:
            query = query.where(c.id < before)
        found = [_product(r) for r in self.conn.execute(query.order_by(c.id.desc()).limit(limit))]
        record(db_reads=len(found))
        return found

    def update_product(self, product_id: int, price_fen: int | None, add_stock: int) -> None:
        c = m.products.c
        values: dict[str, Any] = {"stock": c.stock + add_stock}
        if price_fen is not None:
            values["price_fen"] = price_fen
        self.conn.execute(update(m.products).where(c.id == product_id).values(values))
        record(db_writes=1)

    def take_stock(self, product_id: int, quantity: int) -> bool:
        taken = self.conn.execute(
            _TAKE_STOCK, {"product": product_id, "quantity": quantity}
        ).rowcount
        record(db_writes=taken)
        return taken == 1

    def link_post(self, link: ProductPost) -> None:
        _insert(self.conn, m.product_posts, asdict(link))

    def post_link(self, post_id: int) -> ProductPost | None:
        row = self.conn.execute(_LINK, {"post": post_id}).first()
        record(db_reads=1 if row else 0)
        return ProductPost(row.post_id, row.product_id, row.influencer_id) if row else None

    def create_order(self, order: Order) -> Order:
        values = asdict(order)
        del values["id"]
        values["status"] = order.status.value
        return replace(order, id=_insert(self.conn, m.orders, values))

    def order(self, order_id: int, *, lock: bool = False) -> Order | None:
        query = select(m.orders).where(m.orders.c.id == order_id)
        row = self.conn.execute(query.with_for_update(**ROW_LOCK) if lock else query).first()
        record(db_reads=1 if row else 0)
        return _order(row) if row else None

    def mark_refunded(self, order_id: int, refunded_at: float) -> bool:
        c = m.orders.c
        changed = self.conn.execute(
            update(m.orders)
            .where(c.id == order_id, c.status == OrderStatus.PAID.value)
            .values(status=OrderStatus.REFUNDED.value, refunded_at=refunded_at)
        ).rowcount
        record(db_writes=changed)
        return changed == 1

    def buyer_orders(self, buyer_id: int, before: int | None, limit: int) -> list[Order]:
        return self._orders(m.orders.c.buyer_id == buyer_id, before, limit)

    def shop_orders(self, shop_id: int, before: int | None, limit: int) -> list[Order]:
        return self._orders(m.orders.c.shop_id == shop_id, before, limit)

    def _orders(self, condition: Any, before: int | None, limit: int) -> list[Order]:
        c = m.orders.c
        query = select(m.orders).where(condition)
        if before is not None:
            query = query.where(c.id < before)
        found = [_order(r) for r in self.conn.execute(query.order_by(c.id.desc()).limit(limit))]
        record(db_reads=len(found))
        return found

    def negative_stock(self) -> list[int]:
        c = m.products.c
        query = select(c.id).where(c.stock < 0).order_by(c.id)
        found = list(self.conn.scalars(query))
        record(db_reads=len(found))
        return found
