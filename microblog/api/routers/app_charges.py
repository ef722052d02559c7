"""App purchases, the user's side: the charges apps asked for, confirmed or declined.

First-party only (`microblog.api.scopes`): an app never answers its own request for money.
"""

from __future__ import annotations

from fastapi import APIRouter

from microblog.api.app_schemas import ChargePublic
from microblog.api.deps import Blog, CurrentAccountId
from microblog.api.offload import LoopRoute
from microblog.api.params import Id

router = APIRouter(prefix="/me/app-charges", tags=["apps"], route_class=LoopRoute)


@router.get("")
def pending(account_id: CurrentAccountId, blog: Blog) -> list[ChargePublic]:
    """The charges waiting for your answer, newest first (expired ones are gone)."""
    return [ChargePublic.of(c) for c in blog.app_payments.pending(account_id)]


@router.post("/{charge_id}/confirm")
def confirm(charge_id: Id, account_id: CurrentAccountId, blog: Blog) -> ChargePublic:
    """Pay it (once: 409 when it is no longer pending; 409 naming the shortfall, and it
    stays pending, when your wallet is short)."""
    return ChargePublic.of(blog.app_payments.confirm(account_id, charge_id))


@router.post("/{charge_id}/decline")
def decline(charge_id: Id, account_id: CurrentAccountId, blog: Blog) -> ChargePublic:
    """Refuse it: nothing moves and the app can no longer be paid for it."""
    return ChargePublic.of(blog.app_payments.decline(account_id, charge_id))
