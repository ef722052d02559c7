"""Pre-serialised bodies say exactly what their response models say."""

from __future__ import annotations

import orjson
from hypothesis import given
from hypothesis import strategies as st

from microblog.api.bodies import posts_page_json
from microblog.api.schemas import PostsPage
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
