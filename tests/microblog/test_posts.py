"""Posts: limits, ownership, reposts, comments, likes and mentions."""

import pytest

from microblog.errors import Forbidden, Invalid, NotFound
from microblog.platform import Microblog
from tests.microblog.conftest import people


def test_text_must_be_non_empty_and_at_most_2000_characters(blog: Microblog) -> None:
    (a,) = people(blog, "ann")
    blog.posts.create(a.id, "x" * 2000)
    for bad in ("", "   ", "x" * 2001):
        with pytest.raises(Invalid) as raised:
            blog.posts.create(a.id, bad)
        assert raised.value.field == "text"


def test_only_the_author_may_edit_or_delete(blog: Microblog) -> None:
    a, b = people(blog, "ann", "bob")
    post = blog.posts.create(a.id, "mine")
    with pytest.raises(Forbidden):
        blog.posts.edit(b.id, post.id, "hijacked")
    with pytest.raises(Forbidden):
        blog.posts.delete(b.id, post.id)
    assert blog.posts.edit(a.id, post.id, "edited").text == "edited"
    blog.posts.delete(a.id, post.id)
    with pytest.raises(NotFound):
        blog.posts.get(b.id, post.id)


def test_repost_keeps_the_original_and_counts_it(blog: Microblog) -> None:
    a, b = people(blog, "ann", "bob")
    original = blog.posts.create(a.id, "original")
    repost = blog.posts.create(b.id, "so true", repost_of=original.id)
    assert repost.repost_of == original.id
    assert blog.posts.get(b.id, original.id).repost_count == 1
    assert blog.posts.get(b.id, original.id).text == "original"


def test_likes_are_idempotent_and_counted(blog: Microblog) -> None:
    a, b = people(blog, "ann", "bob")
    post = blog.posts.create(a.id, "like me")
    assert blog.posts.like(b.id, post.id)
    assert not blog.posts.like(b.id, post.id)
    assert blog.posts.get(a.id, post.id).like_count == 1
    assert blog.posts.unlike(b.id, post.id)
    assert blog.posts.get(a.id, post.id).like_count == 0


def test_comments_page_newest_first(blog: Microblog) -> None:
    a, b = people(blog, "ann", "bob")
    post = blog.posts.create(a.id, "discuss")
    for i in range(3):
        blog.posts.comment(b.id, post.id, f"c{i}")
    page = blog.posts.comments(a.id, post.id, limit=2)
    rest = blog.posts.comments(a.id, post.id, page.next_cursor, limit=2)
    assert [c.text for c in page.items + rest.items] == ["c2", "c1", "c0"]
    assert blog.posts.get(a.id, post.id).comment_count == 3


def test_mentions_reach_the_named_accounts_once(blog: Microblog) -> None:
    a, b, c = people(blog, "ann", "bob", "cat")
    post = blog.posts.create(a.id, "hi @bob and @bob, not @nobody")
    assert [p.id for p in blog.posts.mentions(b.id).items] == [post.id]
    assert blog.posts.mentions(c.id).items == []


def test_a_comment_mentions_the_accounts_it_names_once_per_post(blog: Microblog) -> None:
    """@bob in a comment puts the commented post among bob's mentions, however often he
    is named there (in the post itself or in later comments)."""
    a, b, c = people(blog, "ann", "bob", "cat")
    quiet = blog.posts.create(a.id, "no names here")
    named = blog.posts.create(a.id, "hi @bob")
    blog.posts.comment(c.id, quiet.id, "look @bob")
    blog.posts.comment(c.id, quiet.id, "again @bob")
    blog.posts.comment(c.id, named.id, "yes @bob, and @cat")
    assert [p.id for p in blog.posts.mentions(b.id).items] == [named.id, quiet.id]
    assert [p.id for p in blog.posts.mentions(c.id).items] == [named.id]


def test_user_timeline_lists_public_posts_only(blog: Microblog) -> None:
    (a,) = people(blog, "ann")
    group = blog.groups.create(a.id, "club")
    public = blog.posts.create(a.id, "public")
    blog.posts.create(a.id, "members only", group_id=group.id)
    assert [p.id for p in blog.posts.by_author(a.id).items] == [public.id]
