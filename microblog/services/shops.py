"""Merchants' shops: open a shop, list and restock products, and post them.

Only certified merchants open shops, and only a shop's owner changes it. A product post is
an ordinary post linked to a product (the link lives in the shop tables, keyed by post
id, so the posts service is untouched). When an influencer posts someone's product the
link carries their referral, and orders through that post pay them a commission.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from microblog.errors import Forbidden, Invalid, NotFound
from microblog.models import Account, Page, Post, Role
from microblog.money_models import Product, ProductPost, Shop
from microblog.services.certification_rules import require_certified
from microblog.services.context import Context
from microblog.services.cursors import next_id_cursor, parse_id_cursor
from microblog.services.ledger import check_count
from microblog.services.posts import Posts
from microblog.store.base import Tx


@dataclass(frozen=True, slots=True)
class NewProduct:
    name: str
    price_fen: int
    stock: int


@dataclass(frozen=True, slots=True)
class NewShop:
    """One shop of a bulk seeding request, with its products."""

    owner_id: int
    name: str
    products: list[NewProduct] = field(default_factory=list)


def check_name(name: str) -> None:
    if not 1 <= len(name.strip()) <= 100:
        raise Invalid(f"name must be 1-100 characters, got {len(name)}", field="name")


class Shops:
    def __init__(self, ctx: Context, posts: Posts) -> None:
        self.ctx = ctx
        self.posts = posts

    def open(self, owner_id: int, name: str) -> Shop:
        """Open the merchant's shop (one per merchant)."""
        check_name(name)
        with self.ctx.store.write() as tx:
            return self._open(tx, owner_id, name)

    def get(self, shop_id: int) -> Shop:
        with self.ctx.store.read() as tx:
            return self._shop(tx, shop_id)

    def add_product(
        self, actor_id: int, shop_id: int, name: str, price_fen: int, stock: int
    ) -> Product:
        self._check_product(NewProduct(name, price_fen, stock))
        with self.ctx.store.write() as tx:
            shop = self._own_shop(tx, actor_id, shop_id)
            return tx.shops.add_product(shop, name.strip(), price_fen, stock, self.ctx.clock())

    def update_product(
        self, actor_id: int, product_id: int, *, price_fen: int | None = None, add_stock: int = 0
    ) -> Product:
        """Reprice and/or restock (stock only grows here; orders take it)."""
        money = self.ctx.config.money
        if price_fen is not None:
            check_count(price_fen, money.max_amount_fen, "price_fen")
        if add_stock:
            check_count(add_stock, money.max_stock, "add_stock", "units")
        with self.ctx.store.write() as tx:
            product = self._product(tx, product_id, lock=True)
            if product.merchant_id != actor_id:
                raise Forbidden(f"product {product_id} belongs to another merchant's shop")
            tx.shops.update_product(product_id, price_fen, add_stock)
        return replace(
            product,
            price_fen=product.price_fen if price_fen is None else price_fen,
            stock=product.stock + add_stock,
        )

    def product(self, product_id: int) -> Product:
        with self.ctx.store.read() as tx:
            return self._product(tx, product_id)

    def products(self, shop_id: int, cursor: str | None = None, limit: int = 20) -> Page[Product]:
        limit = self.ctx.page_limit(limit)
        with self.ctx.store.read() as tx:
            self._shop(tx, shop_id)
            found = tx.shops.products(shop_id, parse_id_cursor(cursor), limit)
        return Page(found, next_id_cursor([p.id for p in found], limit))

    def post_product(self, actor_id: int, product_id: int, text: str) -> tuple[Post, ProductPost]:
        """Publish a post selling a product: its merchant's, or an influencer's referral."""
        with self.ctx.store.read() as tx:
            product = self._product(tx, product_id)
            actor = tx.accounts.get(actor_id)
        assert actor is not None, "authenticated actors exist"
        link_referral = self._referral(actor, product)
        post = self.posts.create(actor_id, text)
        link = ProductPost(post.id, product_id, link_referral)
        with self.ctx.store.write() as tx:
            tx.shops.link_post(link)
        return post, link

    def post_link(self, post_id: int) -> ProductPost:
        """The product a post sells."""
        with self.ctx.store.read() as tx:
            link = tx.shops.post_link(post_id)
        if link is None:
            raise NotFound(f"post {post_id} sells no product")
        return link

    def seed(self, shops: list[NewShop]) -> list[tuple[Shop, list[Product]]]:
        """Operator seeding for load tests: open shops with products in one transaction."""
        for new in shops:
            check_name(new.name)
            for product in new.products:
                self._check_product(product)
        seeded = []
        with self.ctx.store.write() as tx:
            for new in shops:
                shop = self._open(tx, new.owner_id, new.name)
                products = [
                    tx.shops.add_product(
                        shop, p.name.strip(), p.price_fen, p.stock, shop.created_at
                    )
                    for p in new.products
                ]
                seeded.append((shop, products))
        return seeded

    def _open(self, tx: Tx, owner_id: int, name: str) -> Shop:
        owner = tx.accounts.get(owner_id)
        if owner is None:
            raise NotFound(f"no account {owner_id}", field="owner_id")
        require_certified(owner, Role.MERCHANT, "open shops")
        return tx.shops.create_shop(owner_id, name.strip(), self.ctx.clock())

    def _check_product(self, product: NewProduct) -> None:
        money = self.ctx.config.money
        check_name(product.name)
        check_count(product.price_fen, money.max_amount_fen, "price_fen")
        check_count(product.stock, money.max_stock, "stock", "units", lowest=0)

    @staticmethod
    def _referral(actor: Account, product: Product) -> int | None:
        if actor.id == product.merchant_id:
            return None
        require_certified(actor, Role.INFLUENCER, f"post product {product.id} of another merchant")
        return actor.id

    @staticmethod
    def _shop(tx: Tx, shop_id: int) -> Shop:
        shop = tx.shops.shop(shop_id)
        if shop is None:
            raise NotFound(f"no shop {shop_id}")
        return shop

    def _own_shop(self, tx: Tx, actor_id: int, shop_id: int) -> Shop:
        shop = self._shop(tx, shop_id)
        if shop.owner_id != actor_id:
            raise Forbidden(f"shop {shop_id} belongs to another merchant")
        return shop

    @staticmethod
    def _product(tx: Tx, product_id: int, *, lock: bool = False) -> Product:
        product = tx.shops.product(product_id, lock=lock)
        if product is None:
            raise NotFound(f"no product {product_id}", field="product_id")
        return product
