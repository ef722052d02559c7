"""Operator endpoints of the economy: the ledger audit, seeding and gateway callbacks."""

from __future__ import annotations

from fastapi import APIRouter, status

from microblog.api.deps import Blog, Operator
from microblog.api.money_schemas import (
    Delivered,
    SeededShop,
    SeedShops,
    SeedWallets,
    SeedWalletsResult,
    Settlement,
)
from microblog.api.params import Id
from microblog.money_models import Audit, TopUp
from microblog.services.shops import NewProduct, NewShop

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Operator])


@router.get("/ledger/audit")
def audit(blog: Blog) -> Audit:
    """The books checked to the fen; `balanced` is false and `problems` says why if not."""
    return blog.ledger.audit()


@router.post("/seed/wallets")
def seed_wallets(body: SeedWallets, blog: Blog) -> SeedWalletsResult:
    """Credit wallets for load tests: real ledger transfers from the issuance account."""
    credits = [(c.account_id, c.amount_fen) for c in body.credits]
    return SeedWalletsResult(credited=len(credits), total_fen=blog.payments.seed_credits(credits))


@router.post("/seed/shops", status_code=status.HTTP_201_CREATED)
def seed_shops(body: SeedShops, blog: Blog) -> list[SeededShop]:
    """Open merchants' shops with their products in one transaction."""
    seeded = blog.shops.seed(
        [
            NewShop(
                s.owner_id, s.name, [NewProduct(p.name, p.price_fen, p.stock) for p in s.products]
            )
            for s in body.shops
        ]
    )
    return [SeededShop(shop=shop, products=products) for shop, products in seeded]


@router.post("/topups/{topup_id}/settle")
def settle(topup_id: Id, body: Settlement, blog: Blog) -> TopUp:
    """The gateway's callback for a pending top-up; a repeated callback changes nothing."""
    return blog.payments.settle(topup_id, confirmed=body.confirmed)


@router.post("/gateway/deliver")
def deliver(blog: Blog) -> Delivered:
    """Apply the simulated gateway's late callbacks that are due."""
    return Delivered(settled=blog.payments.deliver_callbacks())
