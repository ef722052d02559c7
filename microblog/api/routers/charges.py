"""App purchases, the app's side: an app asks the user who granted its token to pay (paid at
once under a `payments` pre-authorisation, else pending until the user confirms at
`/me/app-charges`), reads its charges and refunds them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status

from microblog.api.app_schemas import ChargeCreate, ChargePublic
from microblog.api.deps import Blog
from microblog.api.money_schemas import IdempotencyKey
from microblog.api.offload import LoopRoute, placed
from microblog.api.params import Id
from microblog.errors import Forbidden
from microblog.services.apps import Grant

router = APIRouter(prefix="/charges", tags=["apps"], route_class=LoopRoute)


def app_grant(request: Request) -> Grant:
    """The app grant `enforce_scope` found on this call: only apps charge users."""
    grant: Grant | None = getattr(request.state, "grant", None)
    if grant is None:
        raise Forbidden("only a third-party app's token charges users")
    return grant


AppGrant = Annotated[Grant, Depends(placed(app_grant))]


@router.post("", status_code=status.HTTP_201_CREATED)
def charge(body: ChargeCreate, grant: AppGrant, key: IdempotencyKey, blog: Blog) -> ChargePublic:
    """Ask the user who granted this token to pay: `paid` at once within the `payments`
    pre-authorisation (409 naming the shortfall if short), else `pending`."""
    made = blog.app_payments.charge(grant, body.item, body.amount_fen, idempotency_key=key)
    return ChargePublic.of(made)


@router.get("/{charge_id}")
def get_charge(charge_id: Id, grant: AppGrant, blog: Blog) -> ChargePublic:
    return ChargePublic.of(blog.app_payments.get(grant, charge_id))


@router.post("/{charge_id}/refund")
def refund(charge_id: Id, grant: AppGrant, blog: Blog) -> ChargePublic:
    """Refund a paid charge in full (once; 409 after)."""
    return ChargePublic.of(blog.app_payments.refund(grant, charge_id))
