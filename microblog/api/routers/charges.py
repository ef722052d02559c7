"""App purchases: an app holding a user's `payments` grant charges them coins, and refunds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from pydantic import BaseModel, Field

from microblog.api.deps import Blog
from microblog.api.money_schemas import Fen, IdempotencyKey
from microblog.api.params import Id
from microblog.api.schemas import Body
from microblog.app_models import AppCharge
from microblog.errors import Forbidden
from microblog.services.apps import Grant

router = APIRouter(prefix="/charges", tags=["apps"])


def app_grant(request: Request) -> Grant:
    """The app grant `enforce_scope` found on this call: only apps charge users."""
    grant: Grant | None = getattr(request.state, "grant", None)
    if grant is None:
        raise Forbidden("only a third-party app's token (with the payments scope) charges users")
    return grant


AppGrant = Annotated[Grant, Depends(app_grant)]


class ChargeCreate(Body):
    item: str = Field(min_length=1, max_length=100, description="What the user buys.")
    amount_fen: Fen = Field(description="Price in fen (600 = 6 coins).")


class ChargePublic(BaseModel):
    id: int
    client_id: str
    account_id: int
    developer_id: int
    item: str
    amount_fen: int
    developer_fen: int
    platform_fen: int
    created_at: float
    refunded: bool

    @classmethod
    def of(cls, charge: AppCharge) -> ChargePublic:
        return cls.model_validate(charge, from_attributes=True)


@router.post("", status_code=status.HTTP_201_CREATED)
def charge(body: ChargeCreate, grant: AppGrant, key: IdempotencyKey, blog: Blog) -> ChargePublic:
    """Charge the user who granted this token (409 naming the shortfall if short)."""
    made = blog.app_payments.charge(grant, body.item, body.amount_fen, idempotency_key=key)
    return ChargePublic.of(made)


@router.get("/{charge_id}")
def get_charge(charge_id: Id, grant: AppGrant, blog: Blog) -> ChargePublic:
    return ChargePublic.of(blog.app_payments.get(grant, charge_id))


@router.post("/{charge_id}/refund")
def refund(charge_id: Id, grant: AppGrant, blog: Blog) -> ChargePublic:
    """Refund the charge in full (once; 409 after)."""
    return ChargePublic.of(blog.app_payments.refund(grant, charge_id))
