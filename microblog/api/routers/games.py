"""The games platform: the catalogue and buying value-added items with coins."""

from __future__ import annotations

from fastapi import APIRouter, status

from microblog.api.deps import Blog, CurrentAccountId
from microblog.api.money_schemas import IdempotencyKey, PurchaseCreate
from microblog.api.offload import LoopRoute
from microblog.api.params import Id
from microblog.money_models import Game, Purchase

router = APIRouter(tags=["games"], route_class=LoopRoute)


@router.get("/games")
def catalogue(_: CurrentAccountId, blog: Blog) -> list[Game]:
    """Every game with its items and prices (the catalogue is small and fixed)."""
    return blog.games.catalogue()


@router.get("/games/{game_id}")
def get_game(game_id: Id, _: CurrentAccountId, blog: Blog) -> Game:
    return blog.games.get(game_id)


@router.post("/games/items/{item_id}/purchases", status_code=status.HTTP_201_CREATED)
def buy(
    item_id: Id, body: PurchaseCreate, account_id: CurrentAccountId, key: IdempotencyKey, blog: Blog
) -> Purchase:
    """Pay for items from the caller's wallet (409 naming the shortfall if it is short)."""
    return blog.games.buy(account_id, item_id, body.quantity, idempotency_key=key)
