"""Shops and products: merchants open a shop, list, reprice, restock and post products."""

from __future__ import annotations

from fastapi import APIRouter, status

from microblog.api.deps import Blog, CurrentAccountId
from microblog.api.money_schemas import (
    ProductCreate,
    ProductPostCreate,
    ProductPostPublic,
    ProductUpdate,
    ShopCreate,
)
from microblog.api.offload import LoopRoute
from microblog.api.params import Cursor, Id, Limit
from microblog.api.schemas import PostPublic
from microblog.models import Page
from microblog.money_models import Product, ProductPost, Shop

router = APIRouter(tags=["shop"], route_class=LoopRoute)


@router.post("/shops", status_code=status.HTTP_201_CREATED)
def open_shop(body: ShopCreate, account_id: CurrentAccountId, blog: Blog) -> Shop:
    """Certified merchants only; one shop each."""
    return blog.shops.open(account_id, body.name)


@router.get("/shops/{shop_id}")
def get_shop(shop_id: Id, _: CurrentAccountId, blog: Blog) -> Shop:
    return blog.shops.get(shop_id)


@router.get("/shops/{shop_id}/products")
def products(
    shop_id: Id, _: CurrentAccountId, blog: Blog, cursor: Cursor = None, limit: Limit = 20
) -> Page[Product]:
    return blog.shops.products(shop_id, cursor, limit)


@router.post("/shops/{shop_id}/products", status_code=status.HTTP_201_CREATED)
def add_product(
    shop_id: Id, body: ProductCreate, account_id: CurrentAccountId, blog: Blog
) -> Product:
    return blog.shops.add_product(account_id, shop_id, body.name, body.price_fen, body.stock)


@router.get("/products/{product_id}")
def get_product(product_id: Id, _: CurrentAccountId, blog: Blog) -> Product:
    return blog.shops.product(product_id)


@router.patch("/products/{product_id}")
def update_product(
    product_id: Id, body: ProductUpdate, account_id: CurrentAccountId, blog: Blog
) -> Product:
    return blog.shops.update_product(
        account_id, product_id, price_fen=body.price_fen, add_stock=body.add_stock
    )


@router.post("/products/{product_id}/posts", status_code=status.HTTP_201_CREATED)
def post_product(
    product_id: Id, body: ProductPostCreate, account_id: CurrentAccountId, blog: Blog
) -> ProductPostPublic:
    """A post selling the product: by its merchant, or an influencer's (with referral)."""
    post, link = blog.shops.post_product(account_id, product_id, body.text)
    return ProductPostPublic(post=PostPublic.of(post), link=link)


@router.get("/posts/{post_id}/product")
def post_link(post_id: Id, _: CurrentAccountId, blog: Blog) -> ProductPost:
    """The product a post sells (404 when it sells none)."""
    return blog.shops.post_link(post_id)
