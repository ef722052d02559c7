"""Orders: buyers pay for products in coins; merchants refund their own orders.

An order's value is split three ways, each a leg from the buyer's wallet: the platform's
commission, the referring influencer's commission (orders through an influencer's post)
and the merchant's remainder. Stock is taken in the same transaction and never goes below
zero. A refund reverses every leg exactly and restocks; it needs each party that was paid
to still hold what it received, otherwise it is refused naming the shortfall.
"""

from __future__ import annotations

from dataclasses import replace

from microblog.errors import Conflict, Forbidden, Invalid, NotFound
from microblog.models import Page
from microblog.money_config import MoneyConfig
from microblog.money_models import LedgerKind, Order, OrderStatus, Product, TransferKind
from microblog.services.context import Context
from microblog.services.cursors import next_id_cursor, parse_id_cursor
from microblog.services.idempotency import Idempotency
from microblog.services.ledger import Ledger, Leg, check_count, cut
from microblog.store.base import Tx


def split_sale(amount_fen: int, config: MoneyConfig, referred: bool) -> tuple[int, int, int]:
    """(merchant, platform, influencer) fen; the merchant keeps what rounding leaves."""
    platform = cut(amount_fen, config.commerce_commission)
    influencer = cut(amount_fen, config.influencer_commission) if referred else 0
    return amount_fen - platform - influencer, platform, influencer


class Orders:
    def __init__(self, ctx: Context, ledger: Ledger) -> None:
        self.ctx = ctx
        self.ledger = ledger
        self.keys = Idempotency(ctx)

    def place(
        self,
        buyer_id: int,
        product_id: int,
        quantity: int = 1,
        *,
        post_id: int | None = None,
        idempotency_key: str,
    ) -> Order:
        """Buy a product, through a product post (`post_id`) or straight from the shop."""
        check_count(quantity, self.ctx.config.money.max_order_quantity, "quantity", "units")
        request: dict[str, object] = {
            "op": "order",
            "product_id": product_id,
            "quantity": quantity,
            "post_id": post_id,
        }
        return self.keys.once(
            buyer_id,
            idempotency_key,
            request,
            Order,
            lambda tx: self._place(tx, buyer_id, product_id, quantity, post_id),
        )

    def refund(self, actor_id: int, order_id: int, *, idempotency_key: str) -> Order:
        """The merchant refunds one of their shop's orders in full."""
        request: dict[str, object] = {"op": "refund", "order_id": order_id}
        return self.keys.once(
            actor_id,
            idempotency_key,
            request,
            Order,
            lambda tx: self._refund(tx, actor_id, order_id),
        )

    def get(self, actor_id: int, order_id: int) -> Order:
        """An order, seen by its buyer or its merchant."""
        with self.ctx.store.read() as tx:
            order = self._order(tx, order_id)
        if actor_id not in (order.buyer_id, order.merchant_id):
            raise Forbidden(f"order {order_id} belongs to another buyer and merchant")
        return order

    def of_buyer(self, buyer_id: int, cursor: str | None = None, limit: int = 20) -> Page[Order]:
        limit = self.ctx.page_limit(limit)
        with self.ctx.store.read() as tx:
            found = tx.shops.buyer_orders(buyer_id, parse_id_cursor(cursor), limit)
        return Page(found, next_id_cursor([o.id for o in found], limit))

    def of_shop(
        self, actor_id: int, shop_id: int, cursor: str | None = None, limit: int = 20
    ) -> Page[Order]:
        """A shop's orders, for its merchant only."""
        limit = self.ctx.page_limit(limit)
        with self.ctx.store.read() as tx:
            shop = tx.shops.shop(shop_id)
            if shop is None:
                raise NotFound(f"no shop {shop_id}")
            if shop.owner_id != actor_id:
                raise Forbidden(f"shop {shop_id} belongs to another merchant")
            found = tx.shops.shop_orders(shop_id, parse_id_cursor(cursor), limit)
        return Page(found, next_id_cursor([o.id for o in found], limit))

    def _place(
        self, tx: Tx, buyer_id: int, product_id: int, quantity: int, post_id: int | None
    ) -> Order:
        product = tx.shops.product(product_id, lock=True)
        if product is None:
            raise NotFound(f"no product {product_id}", field="product_id")
        if product.merchant_id == buyer_id:
            raise Invalid("merchants cannot buy from their own shop", field="product_id")
        influencer_id = self._referral(tx, buyer_id, product_id, post_id)
        if product.stock < quantity:
            raise Conflict(
                f"product {product_id} has {product.stock} left, {quantity} ordered",
                field="quantity",
            )
        order = self._priced(product, buyer_id, quantity, post_id, influencer_id)
        legs = self._legs(tx, order)
        self.ledger.check(tx, legs)
        if not tx.shops.take_stock(product_id, quantity):
            raise Conflict(f"product {product_id} sold out while ordering", field="quantity")
        order = tx.shops.create_order(order)
        self.ledger.apply(tx, legs, order.id)
        return order

    def _priced(
        self,
        product: Product,
        buyer_id: int,
        quantity: int,
        post_id: int | None,
        influencer_id: int | None,
    ) -> Order:
        amount = product.price_fen * quantity
        merchant, platform, influencer = split_sale(
            amount, self.ctx.config.money, influencer_id is not None
        )
        return Order(
            id=0,
            buyer_id=buyer_id,
            merchant_id=product.merchant_id,
            shop_id=product.shop_id,
            product_id=product.id,
            post_id=post_id,
            influencer_id=influencer_id,
            quantity=quantity,
            amount_fen=amount,
            merchant_fen=merchant,
            platform_fen=platform,
            influencer_fen=influencer,
            status=OrderStatus.PAID,
            created_at=self.ctx.clock(),
        )

    def _refund(self, tx: Tx, actor_id: int, order_id: int) -> Order:
        order = self._order(tx, order_id, lock=True)
        if order.merchant_id != actor_id:
            raise Forbidden(f"order {order_id} belongs to another merchant's shop")
        if order.status is OrderStatus.REFUNDED:
            raise Conflict(f"order {order_id} was already refunded")
        # The product before the wallets, as an order locks them: never a cycle between the two.
        tx.shops.product(order.product_id, lock=True)
        legs = [leg.reversed() for leg in self._legs(tx, order)]
        self.ledger.check(tx, legs)
        now = self.ctx.clock()
        tx.shops.mark_refunded(order_id, now)
        tx.shops.update_product(order.product_id, None, order.quantity)
        self.ledger.apply(tx, legs, order_id)
        return replace(order, status=OrderStatus.REFUNDED, refunded_at=now)

    def _legs(self, tx: Tx, order: Order) -> list[Leg]:
        buyer = self.ledger.wallet(tx, order.buyer_id)
        merchant = self.ledger.wallet(tx, order.merchant_id)
        platform = self.ledger.system(tx, LedgerKind.PLATFORM)
        legs = [
            Leg(buyer, merchant, order.merchant_fen, TransferKind.SALE),
            Leg(buyer, platform, order.platform_fen, TransferKind.SALE_COMMISSION),
        ]
        if order.influencer_id is not None:
            influencer = self.ledger.wallet(tx, order.influencer_id)
            legs.append(Leg(buyer, influencer, order.influencer_fen, TransferKind.SALE_REFERRAL))
        return legs

    @staticmethod
    def _referral(tx: Tx, buyer_id: int, product_id: int, post_id: int | None) -> int | None:
        """The influencer an order through this post pays (never the buyer themselves)."""
        if post_id is None:
            return None
        link = tx.shops.post_link(post_id)
        if link is None or link.product_id != product_id:
            raise Invalid(f"post {post_id} does not sell product {product_id}", field="post_id")
        return None if link.influencer_id == buyer_id else link.influencer_id

    @staticmethod
    def _order(tx: Tx, order_id: int, *, lock: bool = False) -> Order:
        order = tx.shops.order(order_id, lock=lock)
        if order is None:
            raise NotFound(f"no order {order_id}")
        return order
