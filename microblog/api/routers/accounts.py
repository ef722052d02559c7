"""Accounts, tokens, profiles and the follow graph."""

from __future__ import annotations

from fastapi import APIRouter, status

from microblog.api.deps import Blog, CurrentAccount, CurrentAccountId
from microblog.api.offload import LoopRoute, waits
from microblog.api.params import Cursor, Id, Limit
from microblog.api.rate_limits import limit
from microblog.api.schemas import (
    AccountCreate,
    AccountPublic,
    AccountsPage,
    Login,
    ProfileBody,
    TokenPublic,
)
from microblog.rate_limit_config import Action

router = APIRouter(tags=["accounts"], route_class=LoopRoute)


@router.post("/accounts", status_code=status.HTTP_201_CREATED)
@waits
def register(body: AccountCreate, blog: Blog) -> AccountPublic:
    account = blog.accounts.register(
        body.name, body.password, body.role, body.tier, body.profile.to_profile()
    )
    return AccountPublic.of(account)


@router.post("/auth/token")
@waits
def login(body: Login, blog: Blog) -> TokenPublic:
    token = blog.accounts.login(body.name, body.password, body.client)
    account_id = blog.accounts.get_by_name(body.name).id
    return TokenPublic(access_token=token, account_id=account_id, client=body.client)


@router.get("/me")
def me(account: CurrentAccount, blog: Blog) -> AccountPublic:
    return AccountPublic.of(account, blog.memberships.is_member(account.id))


@router.put("/me/profile")
def update_profile(body: ProfileBody, account_id: CurrentAccountId, blog: Blog) -> AccountPublic:
    return AccountPublic.of(blog.accounts.update_profile(account_id, body.to_profile()))


@router.get("/accounts/{account_id}")
def get_account(account_id: Id, _: CurrentAccountId, blog: Blog) -> AccountPublic:
    return AccountPublic.of(blog.accounts.get(account_id), blog.memberships.is_member(account_id))


@router.put(
    "/accounts/{account_id}/follow",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[limit(Action.FOLLOW)],
)
def follow(account_id: Id, caller_id: CurrentAccountId, blog: Blog) -> None:
    blog.graph.follow(caller_id, account_id)


@router.delete("/accounts/{account_id}/follow", status_code=status.HTTP_204_NO_CONTENT)
def unfollow(account_id: Id, caller_id: CurrentAccountId, blog: Blog) -> None:
    blog.graph.unfollow(caller_id, account_id)


@router.get("/accounts/{account_id}/followers")
def followers(
    account_id: Id, _: CurrentAccountId, blog: Blog, cursor: Cursor = None, limit: Limit = 20
) -> AccountsPage:
    page = blog.graph.followers(account_id, cursor, limit)
    return AccountsPage.of(page)


@router.get("/accounts/{account_id}/followees")
def followees(
    account_id: Id, _: CurrentAccountId, blog: Blog, cursor: Cursor = None, limit: Limit = 20
) -> AccountsPage:
    page = blog.graph.followees(account_id, cursor, limit)
    return AccountsPage.of(page)
