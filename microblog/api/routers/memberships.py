"""Paid membership: the caller joins, reads and cancels its own; operators run renewals."""

from __future__ import annotations

from fastapi import APIRouter, status

from microblog.api.deps import Blog, CurrentAccountId, Operator
from microblog.api.membership_schemas import MembershipPublic, RenewalsPublic
from microblog.api.money_schemas import IdempotencyKey
from microblog.api.offload import LoopRoute

router = APIRouter(prefix="/me/membership", tags=["memberships"], route_class=LoopRoute)
admin_router = APIRouter(prefix="/admin/memberships", tags=["admin"], dependencies=[Operator])


@router.post("", status_code=status.HTTP_201_CREATED)
def join(account_id: CurrentAccountId, blog: Blog, key: IdempotencyKey) -> MembershipPublic:
    """Pay the first month from the wallet and become a member (409 when already one, or
    when the wallet is short)."""
    return MembershipPublic.of(blog.memberships.join(account_id, idempotency_key=key))


@router.get("")
def mine(account_id: CurrentAccountId, blog: Blog) -> MembershipPublic:
    return MembershipPublic.of(blog.memberships.get(account_id))


@router.post("/cancel")
def cancel(account_id: CurrentAccountId, blog: Blog) -> MembershipPublic:
    """Stop auto-renewal; the benefits last until the paid period ends."""
    return MembershipPublic.of(blog.memberships.cancel(account_id))


@admin_router.post("/renewals")
def renew_due(blog: Blog) -> RenewalsPublic:
    """Renew (or lapse, or end) memberships due by now: the operator's cron calls this,
    again while it settles a full `memberships.renewal_batch`."""
    return RenewalsPublic.of(blog.memberships.renew_due())
