"""The home timeline: the hottest read, so its router is the first the app tries (routes
are matched in order, a few microseconds each)."""

from __future__ import annotations

from fastapi import APIRouter

from microblog.api.bodies import JsonBody
from microblog.api.deps import BearerToken, Blog, HotPages
from microblog.api.home import home_page_json
from microblog.api.params import Cursor, Limit
from microblog.api.schemas import PostsPage

router = APIRouter(prefix="/timeline", tags=["posts"])


@router.get("/home", response_model=PostsPage)
async def home_timeline(
    token: BearerToken, blog: Blog, hot: HotPages, cursor: Cursor = None, limit: Limit = 20
) -> JsonBody:
    """The home timeline ("information flow"), newest first; pass `next_cursor` for more."""
    return JsonBody(await home_page_json(blog, hot, token, cursor, limit))
