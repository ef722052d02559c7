"""Orders: buyers pay in coins, merchants see and refund their shop's orders."""

from __future__ import annotations

from fastapi import APIRouter, status

from microblog.api.deps import Blog, CurrentAccountId
from microblog.api.money_schemas import IdempotencyKey, OrderCreate
from microblog.api.offload import LoopRoute
from microblog.api.params import Cursor, Id, Limit
from microblog.models import Page
from microblog.money_models import Order

router = APIRouter(tags=["orders"], route_class=LoopRoute)


@router.post("/orders", status_code=status.HTTP_201_CREATED)
def place(
    body: OrderCreate, account_id: CurrentAccountId, key: IdempotencyKey, blog: Blog
) -> Order:
    """Buy from the caller's wallet; 409 when stock or coins are short."""
    return blog.orders.place(
        account_id, body.product_id, body.quantity, post_id=body.post_id, idempotency_key=key
    )


@router.get("/orders/{order_id}")
def get_order(order_id: Id, account_id: CurrentAccountId, blog: Blog) -> Order:
    return blog.orders.get(account_id, order_id)


@router.post("/orders/{order_id}/refund")
def refund(order_id: Id, account_id: CurrentAccountId, key: IdempotencyKey, blog: Blog) -> Order:
    """The shop's merchant refunds the order in full (every money flow reversed)."""
    return blog.orders.refund(account_id, order_id, idempotency_key=key)


@router.get("/me/orders")
def my_orders(
    account_id: CurrentAccountId, blog: Blog, cursor: Cursor = None, limit: Limit = 20
) -> Page[Order]:
    return blog.orders.of_buyer(account_id, cursor, limit)


@router.get("/shops/{shop_id}/orders")
def shop_orders(
    shop_id: Id, account_id: CurrentAccountId, blog: Blog, cursor: Cursor = None, limit: Limit = 20
) -> Page[Order]:
    return blog.orders.of_shop(account_id, shop_id, cursor, limit)
