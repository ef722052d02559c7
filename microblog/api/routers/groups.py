"""Groups: create, join, leave, members and the members-only feed."""

from __future__ import annotations

from fastapi import APIRouter, status

from microblog.api.deps import Blog, CurrentAccountId
from microblog.api.offload import LoopRoute
from microblog.api.params import Cursor, Id, Limit
from microblog.api.schemas import AccountsPage, GroupCreate, GroupPublic, PostsPage

router = APIRouter(tags=["groups"], route_class=LoopRoute)


@router.post("/groups", status_code=status.HTTP_201_CREATED)
def create_group(body: GroupCreate, account_id: CurrentAccountId, blog: Blog) -> GroupPublic:
    return GroupPublic.of(blog.groups.create(account_id, body.name))


@router.get("/groups/{group_id}")
def get_group(group_id: Id, _: CurrentAccountId, blog: Blog) -> GroupPublic:
    return GroupPublic.of(blog.groups.get(group_id))


@router.put("/groups/{group_id}/members/me", status_code=status.HTTP_204_NO_CONTENT)
def join(group_id: Id, account_id: CurrentAccountId, blog: Blog) -> None:
    blog.groups.join(account_id, group_id)


@router.delete("/groups/{group_id}/members/me", status_code=status.HTTP_204_NO_CONTENT)
def leave(group_id: Id, account_id: CurrentAccountId, blog: Blog) -> None:
    blog.groups.leave(account_id, group_id)


@router.get("/groups/{group_id}/members")
def members(
    group_id: Id,
    account_id: CurrentAccountId,
    blog: Blog,
    cursor: Cursor = None,
    limit: Limit = 20,
) -> AccountsPage:
    page = blog.groups.members(account_id, group_id, cursor, limit)
    return AccountsPage.of(page)


@router.get("/groups/{group_id}/posts")
def feed(
    group_id: Id,
    account_id: CurrentAccountId,
    blog: Blog,
    cursor: Cursor = None,
    limit: Limit = 20,
) -> PostsPage:
    page = blog.groups.feed(account_id, group_id, cursor, limit)
    return PostsPage.of(page, blog.albums.removed(page.items))
