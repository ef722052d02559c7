"""Response bodies serialised straight from domain records, for the hottest reads.

FastAPI validates a route's returned object against its response model and then encodes
it: for a page of twenty posts that costs more than reading the page from the cache tier.
A hot route instead returns `JsonBody(posts_page_json(page))`, built by orjson from the
records' fields, and keeps its `response_model` for the OpenAPI schema only; tests check
the bytes against the model, so the schema and the wire stay the same.
"""

from __future__ import annotations

from collections.abc import Collection

import orjson
from starlette.responses import Response

from microblog.api.schemas import PhotoRef, PostPublic
from microblog.models import Page, Post

POST_FIELDS = tuple(name for name in PostPublic.model_fields if name != "photos")
"""The fields a reader sees of a post as stored, in the schema's order (a stored `Post` has
more); `photos`, last, is built from its `photo_ids`."""


class JsonBody(Response):
    """A body already serialised to JSON."""

    media_type = "application/json"


def posts_page_json(page: Page[Post], removed: Collection[int] = ()) -> bytes:
    """A `PostsPage` as JSON, without building or validating the pydantic models (but for
    the photos of the few posts that carry any); `removed` as in `PostPublic.of`."""
    items = [post_json(post, removed) for post in page.items]
    return orjson.dumps({"items": items, "next_cursor": page.next_cursor})


def post_json(post: Post, removed: Collection[int]) -> dict[str, object]:
    item: dict[str, object] = {name: getattr(post, name) for name in POST_FIELDS}
    item["photos"] = [PhotoRef.of(i, i in removed).model_dump() for i in post.photo_ids]
    return item


def spliced_posts_page(bodies: list[bytes], next_cursor: str | None) -> bytes:
    """A `PostsPage` of posts already serialised as `PostPublic` (microblog.cache.hot_pages),
    their bytes joined rather than decoded and encoded again."""
    cursor = orjson.dumps(next_cursor)
    return b'{"items":[' + b",".join(bodies) + b'],"next_cursor":' + cursor + b"}"
