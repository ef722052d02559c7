"""Wallets: balance, statement, top-ups, gifts and withdrawals of the caller's own wallet.

Every path names the wallet's account; any other account than the caller's gets 403, so
nobody reads or spends another's coins. Mutating calls need an `Idempotency-Key` header.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from microblog.api.deps import Blog, CurrentAccountId
from microblog.api.money_schemas import (
    GiftCreate,
    IdempotencyKey,
    TopUpCreate,
    WalletPublic,
    WithdrawalCreate,
)
from microblog.api.offload import LoopRoute, placed, waits
from microblog.api.params import Cursor, Id, Limit
from microblog.errors import DomainError, Forbidden
from microblog.models import Page
from microblog.money_models import Gift, StatementLine, TopUp, TopUpStatus, Withdrawal
from microblog.services.ledger import coins

router = APIRouter(prefix="/wallets/{account_id}", tags=["wallet"], route_class=LoopRoute)


class PaymentDeclined(DomainError):
    status = 402
    code = "payment_declined"


def own_wallet(account_id: Id, caller_id: CurrentAccountId) -> int:
    """The wallet's account id, once it is the caller's own."""
    if account_id != caller_id:
        raise Forbidden(
            f"account {caller_id} may only use its own wallet, not account {account_id}'s"
        )
    return caller_id


OwnerId = Annotated[int, Depends(placed(own_wallet))]


@router.get("")
def wallet(owner_id: OwnerId, blog: Blog) -> WalletPublic:
    return WalletPublic(account_id=owner_id, balance_fen=blog.payments.balance(owner_id))


@router.get("/statement")
def statement(
    owner_id: OwnerId, blog: Blog, cursor: Cursor = None, limit: Limit = 20
) -> Page[StatementLine]:
    """The wallet's movements, newest first (+ in, - out)."""
    return blog.payments.statement(owner_id, cursor, limit)


TOPUP_RESPONSES: dict[int | str, dict[str, object]] = {
    202: {"description": "Pending: the gateway has not answered yet; poll the top-up."},
    402: {"description": "The gateway declined; nothing was credited."},
}


@router.post("/topups", status_code=status.HTTP_201_CREATED, responses=TOPUP_RESPONSES)
@waits
def top_up(
    body: TopUpCreate, owner_id: OwnerId, key: IdempotencyKey, blog: Blog, response: Response
) -> TopUp:
    """Buy coins: 201 confirmed (credited), 202 pending (poll it), 402 declined."""
    topup = blog.payments.top_up(owner_id, body.amount_fen, body.channel, idempotency_key=key)
    if topup.status is TopUpStatus.FAILED:
        raise PaymentDeclined(
            f"the gateway declined top-up {topup.id} of {coins(topup.amount_fen)} via "
            f"{topup.channel.value}; nothing was credited"
        )
    if topup.status is TopUpStatus.PENDING:
        response.status_code = status.HTTP_202_ACCEPTED
    return topup


@router.get("/topups/{topup_id}")
def get_topup(topup_id: Id, owner_id: OwnerId, blog: Blog) -> TopUp:
    return blog.payments.topup(owner_id, topup_id)


@router.post("/gifts", status_code=status.HTTP_201_CREATED)
def gift(body: GiftCreate, owner_id: OwnerId, key: IdempotencyKey, blog: Blog) -> Gift:
    return blog.payments.gift(
        owner_id, body.recipient_id, body.amount_fen, post_id=body.post_id, idempotency_key=key
    )


@router.post("/withdrawals", status_code=status.HTTP_201_CREATED)
def withdraw(
    body: WithdrawalCreate, owner_id: OwnerId, key: IdempotencyKey, blog: Blog
) -> Withdrawal:
    return blog.payments.withdraw(owner_id, body.amount_fen, idempotency_key=key)
