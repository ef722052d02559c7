"""Response bodies serialised straight from domain records, for the hottest reads.

FastAPI validates a route's returned object against its response model and then encodes
it: for a page of twenty posts that costs more than reading the page from the cache tier.
A hot route instead returns `JsonBody(posts_page_json(page))`, built by orjson from the
records' fields, and keeps its `response_model` for the OpenAPI schema only; tests check
the bytes against the model, so the schema and the wire stay the same.
"""

from __future__ import annotations

import orjson
from starlette.responses import Response

from microblog.api.schemas import PostPublic
from microblog.models import Page, Post

POST_FIELDS = tuple(PostPublic.model_fields)
"""The fields a reader sees of a post, in the schema's order (a stored `Post` has more)."""


class JsonBody(Response):
    """A body already serialised to JSON."""

    media_type = "application/json"


def posts_page_json(page: Page[Post]) -> bytes:
    """A `PostsPage` as JSON, without building or validating the pydantic models."""
    items = [{name: getattr(post, name) for name in POST_FIELDS} for post in page.items]
    return orjson.dumps({"items": items, "next_cursor": page.next_cursor})
