"""Pre-serialised bodies say exactly what their response models say: those built per page
(microblog.api.bodies) and those the cache tier keeps (microblog.cache.posts)."""

from __future__ import annotations

import orjson
from hypothesis import given
from hypothesis import strategies as st

from microblog.api.bodies import POST_FIELDS, posts_page_json, spliced_posts_page
from microblog.api.schemas import PostPublic, PostsPage
from microblog.cache.posts import PUBLIC_FIELDS, decode_body, encode_body, public_body
from microblog.models import MAX_ID, Page, Post

ids = st.integers(min_value=1, max_value=MAX_ID)
times = st.floats(min_value=0, max_value=4e9, allow_nan=False)
posts = st.builds(
    Post,
    id=ids,
    author_id=ids,
    text=st.text(max_size=50),
    created_at=times,
    group_id=st.none() | ids,
    repost_of=st.none() | ids,
    pushed=st.booleans(),
    deleted=st.booleans(),
    edited_at=st.none() | times,
    like_count=st.integers(min_value=0, max_value=2**40),
    photo_ids=st.lists(ids, max_size=9).map(tuple),
)


@given(st.lists(posts, max_size=5), st.none() | st.text(max_size=20), st.sets(ids, max_size=3))
def test_a_posts_page_body_is_the_models_json(
    items: list[Post], cursor: str | None, removed: set[int]
) -> None:
    page = Page(items, cursor)
    removed |= {post.photo_ids[0] for post in items[:1] if post.photo_ids}
    expected = PostsPage.of(page, removed).model_dump_json()
    assert orjson.loads(posts_page_json(page, removed)) == orjson.loads(expected)


def test_the_cache_tier_keeps_the_fields_the_schema_shows() -> None:
    assert PUBLIC_FIELDS == POST_FIELDS


@given(posts)
def test_a_cached_body_gives_back_its_post(post: Post) -> None:
    assert decode_body(encode_body(post)) == post


@given(st.lists(posts, max_size=5), st.none() | st.text(max_size=20))
def test_a_spliced_page_is_the_models_json_and_only_plain_posts_splice(
    items: list[Post], cursor: str | None
) -> None:
    bodies = [public_body(encode_body(post)) for post in items]
    for post, body in zip(items, bodies, strict=True):
        assert (body is None) == (post.deleted or bool(post.photo_ids))
    plain = [post for post in items if not post.deleted and not post.photo_ids]
    spliced = spliced_posts_page([b for b in bodies if b is not None], cursor)
    expected = PostsPage(items=[PostPublic.of(p) for p in plain], next_cursor=cursor)
    assert orjson.loads(spliced) == orjson.loads(expected.model_dump_json())
