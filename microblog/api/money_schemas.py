"""Request bodies of the money endpoints, and the few responses that are not domain records.

Responses are the domain records themselves (`microblog.money_models`), which are exactly
their public shape. Amounts are strict integers of fen: `1.5`, `"5"` or `true` are refused
with 422 naming the field; the services check ranges (zero, negative, too large).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Header
from pydantic import BaseModel, Field

from microblog.api.params import Id
from microblog.api.schemas import Body, PostPublic
from microblog.money_models import Product, ProductPost, Shop, TopUp, TopUpChannel

Fen = Annotated[int, Field(strict=True, description="Whole fen: 1 coin = 1 RMB = 100 fen.")]
Units = Annotated[int, Field(strict=True, description="A whole number of units.")]
IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        description="Unique per payment request of this account (e.g. a UUID). A retry with "
        "the same key returns the first result and moves money once; reusing a key for a "
        "different request gets 422.",
    ),
]


class TopUpCreate(Body):
    amount_fen: Fen
    channel: TopUpChannel


class GiftCreate(Body):
    recipient_id: Id
    amount_fen: Fen
    post_id: Id | None = Field(None, description="The post being tipped, if any.")


class WithdrawalCreate(Body):
    amount_fen: Fen


class WalletPublic(BaseModel):
    account_id: int
    balance_fen: int


class PurchaseCreate(Body):
    quantity: Units = 1


class ShopCreate(Body):
    name: str


class ProductCreate(Body):
    name: str
    price_fen: Fen
    stock: Units


class ProductUpdate(Body):
    price_fen: Fen | None = Field(None, description="New price; omit to keep it.")
    add_stock: Units = Field(0, description="Units to add to the stock.")


class ProductPostCreate(Body):
    text: str


class ProductPostPublic(BaseModel):
    post: PostPublic
    link: ProductPost


class OrderCreate(Body):
    product_id: Id
    quantity: Units = 1
    post_id: Id | None = Field(
        None, description="The product post the order comes through (pays its influencer)."
    )


class SeedCredit(Body):
    account_id: Id
    amount_fen: Fen


class SeedWallets(Body):
    credits: list[SeedCredit] = Field(max_length=5000)


class SeedWalletsResult(BaseModel):
    credited: int
    total_fen: int


class SeedShop(Body):
    owner_id: Id = Field(description="A merchant account without a shop.")
    name: str
    products: list[ProductCreate] = Field(default_factory=list, max_length=1000)


class SeedShops(Body):
    shops: list[SeedShop] = Field(max_length=1000)


class SeededShop(BaseModel):
    shop: Shop
    products: list[Product]


class Settlement(Body):
    confirmed: bool = Field(description="The gateway's late answer: true = money taken.")


class Delivered(BaseModel):
    settled: list[TopUp]
