"""Posts, likes, comments, mentions and user timelines."""

from __future__ import annotations

from fastapi import APIRouter, status

from microblog.api.deps import Blog, CurrentAccountId
from microblog.api.offload import LoopRoute
from microblog.api.params import Cursor, Id, Limit
from microblog.api.rate_limits import limit
from microblog.api.schemas import (
    Changed,
    CommentCreate,
    CommentPublic,
    CommentsPage,
    PostCreate,
    PostEdit,
    PostPublic,
    PostsPage,
)
from microblog.rate_limit_config import Action

router = APIRouter(tags=["posts"], route_class=LoopRoute)


@router.post("/posts", status_code=status.HTTP_201_CREATED, dependencies=[limit(Action.POST)])
def create_post(body: PostCreate, account_id: CurrentAccountId, blog: Blog) -> PostPublic:
    photos = tuple(body.photo_ids)
    post = blog.posts.create(
        account_id, body.text, group_id=body.group_id, repost_of=body.repost_of, photo_ids=photos
    )
    return PostPublic.of(post)


@router.get("/posts/{post_id}")
def get_post(post_id: Id, account_id: CurrentAccountId, blog: Blog) -> PostPublic:
    post = blog.posts.get(account_id, post_id)
    return PostPublic.of(post, blog.albums.removed([post]))


@router.patch("/posts/{post_id}")
def edit_post(post_id: Id, body: PostEdit, account_id: CurrentAccountId, blog: Blog) -> PostPublic:
    post = blog.posts.edit(account_id, post_id, body.text)
    return PostPublic.of(post, blog.albums.removed([post]))


@router.delete("/posts/{post_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_post(post_id: Id, account_id: CurrentAccountId, blog: Blog) -> None:
    blog.posts.delete(account_id, post_id)


@router.put("/posts/{post_id}/like")
def like(post_id: Id, account_id: CurrentAccountId, blog: Blog) -> Changed:
    return Changed(changed=blog.posts.like(account_id, post_id))


@router.delete("/posts/{post_id}/like")
def unlike(post_id: Id, account_id: CurrentAccountId, blog: Blog) -> Changed:
    return Changed(changed=blog.posts.unlike(account_id, post_id))


@router.post(
    "/posts/{post_id}/comments",
    status_code=status.HTTP_201_CREATED,
    dependencies=[limit(Action.COMMENT)],
)
def comment(
    post_id: Id, body: CommentCreate, account_id: CurrentAccountId, blog: Blog
) -> CommentPublic:
    return CommentPublic.of(blog.posts.comment(account_id, post_id, body.text))


@router.get("/posts/{post_id}/comments")
def comments(
    post_id: Id, account_id: CurrentAccountId, blog: Blog, cursor: Cursor = None, limit: Limit = 20
) -> CommentsPage:
    page = blog.posts.comments(account_id, post_id, cursor, limit)
    return CommentsPage.of(page)


@router.get("/accounts/{account_id}/posts")
def user_timeline(
    account_id: Id, _: CurrentAccountId, blog: Blog, cursor: Cursor = None, limit: Limit = 20
) -> PostsPage:
    page = blog.posts.by_author(account_id, cursor, limit)
    return PostsPage.of(page, blog.albums.removed(page.items))


@router.get("/me/mentions")
def mentions(
    account_id: CurrentAccountId, blog: Blog, cursor: Cursor = None, limit: Limit = 20
) -> PostsPage:
    page = blog.posts.mentions(account_id, cursor, limit)
    return PostsPage.of(page, blog.albums.removed(page.items))
