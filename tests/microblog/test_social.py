"""The follow graph keeps exact counts and defines friends as mutual follows."""

import pytest

from microblog.errors import Conflict, Invalid, NotFound
from microblog.platform import Microblog
from tests.microblog.conftest import people


def test_follow_and_unfollow_keep_counts_exact(blog: Microblog) -> None:
    a, b, c = people(blog, "ann", "bob", "cat")
    blog.graph.follow(a.id, c.id)
    blog.graph.follow(b.id, c.id)
    blog.graph.unfollow(a.id, c.id)
    assert blog.accounts.get(c.id).follower_count == 1
    assert blog.accounts.get(a.id).followee_count == 0
    assert blog.accounts.get(b.id).followee_count == 1


def test_duplicate_self_and_missing_follows_are_refused(blog: Microblog) -> None:
    a, b = people(blog, "ann", "bob")
    blog.graph.follow(a.id, b.id)
    with pytest.raises(Conflict):
        blog.graph.follow(a.id, b.id)
    with pytest.raises(Invalid):
        blog.graph.follow(a.id, a.id)
    with pytest.raises(NotFound):
        blog.graph.unfollow(b.id, a.id)
    with pytest.raises(NotFound):
        blog.graph.follow(a.id, 999)


def test_friends_are_mutual_follows(blog: Microblog) -> None:
    a, b, c = people(blog, "ann", "bob", "cat")
    blog.graph.follow(a.id, b.id)
    blog.graph.follow(b.id, a.id)
    blog.graph.follow(a.id, c.id)
    assert blog.graph.are_friends(a.id, b.id)
    assert not blog.graph.are_friends(a.id, c.id)
    assert blog.graph.friends(a.id) == [b.id]


def test_friends_among_finds_mutual_follows_walking_either_side(blog: Microblog) -> None:
    a, b, c, d, e = people(blog, "ann", "bob", "cat", "dan", "eve")
    for other in (b, c, d):
        blog.graph.follow(a.id, other.id)
    blog.graph.follow(b.id, a.id)
    blog.graph.follow(d.id, a.id)
    blog.graph.follow(e.id, a.id)  # follows ann, but ann does not follow back
    few = {d.id, e.id}  # fewer candidates than ann's three followees: walks the candidates
    many = {b.id, c.id, d.id, e.id, 999}  # more: walks ann's followees
    assert blog.graph.friends_among(a.id, few) == [d.id]
    assert blog.graph.friends_among(a.id, many) == [b.id, d.id]
    assert blog.graph.friends_among(a.id, set()) == []
    assert blog.graph.friends_among(999, many) == []


def test_followers_page_newest_id_first_with_cursor(blog: Microblog) -> None:
    star, *fans = people(blog, "star", *(f"fan{i}" for i in range(5)))
    for fan in fans:
        blog.graph.follow(fan.id, star.id)
    first = blog.graph.followers(star.id, limit=3)
    second = blog.graph.followers(star.id, first.next_cursor, limit=3)
    seen = [a.id for a in first.items + second.items]
    assert seen == sorted((f.id for f in fans), reverse=True)
    assert second.next_cursor is None


def test_bulk_follows_skip_duplicates_and_self_and_keep_counts_exact(blog: Microblog) -> None:
    a, b, c = people(blog, "ann", "bob", "cat")
    blog.graph.follow(a.id, b.id)
    added = blog.graph.follow_many(
        [(a.id, b.id), (a.id, c.id), (a.id, c.id), (b.id, b.id), (c.id, b.id)]
    )
    assert added == 2
    assert blog.accounts.get(b.id).follower_count == 2
    assert blog.accounts.get(c.id).follower_count == 1
    assert blog.accounts.get(a.id).followee_count == 2
    assert [x.id for x in blog.graph.followers(b.id).items] == [c.id, a.id]


def test_bulk_follows_naming_an_unknown_account_add_nothing(blog: Microblog) -> None:
    """Found by the API fuzzer: an unknown id in an operator's edge list was a 500."""
    a, b = people(blog, "ann", "bob")
    with pytest.raises(NotFound) as raised:
        blog.graph.follow_many([(a.id, b.id), (-5249, b.id), (a.id, 10**6)])
    assert raised.value.field == "edges" and "-5249" in raised.value.message
    assert blog.accounts.get(b.id).follower_count == 0
    assert blog.graph.followers(b.id).items == []
