"""The home timeline: the hottest read, so its router is the first the app tries (routes
are matched in order, a few microseconds each), and its route asks FastAPI to solve as
little as it can: the bearer credentials (which also document the route's security in the
OpenAPI schema), the request and the page parameters; it reads the platform and its hot
pages off the app itself rather than through two more dependencies (FastAPI 0.165 spends
~10-15 µs solving each, per request).
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from microblog.api.bodies import JsonBody
from microblog.api.deps import Credentials, bearer_token
from microblog.api.home import home_page_json
from microblog.api.offload import LoopRoute
from microblog.api.params import Cursor, Limit
from microblog.api.schemas import PostsPage
from microblog.services.apps import Grant

router = APIRouter(prefix="/timeline", tags=["posts"], route_class=LoopRoute)


@router.get("/home", response_model=PostsPage)
async def home_timeline(
    credentials: Credentials, request: Request, cursor: Cursor = None, limit: Limit = 20
) -> JsonBody:
    """The home timeline ("information flow"), newest first; pass `next_cursor` for more."""
    token, state = await bearer_token(credentials), request.app.state
    grant: Grant | None = getattr(request.state, "grant", None)  # an app token's, if any
    granted_to = grant.account_id if grant is not None else None
    page = await home_page_json(state.blog, state.hot_pages, token, cursor, limit, granted_to)
    return JsonBody(page)
