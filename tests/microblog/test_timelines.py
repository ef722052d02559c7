"""Home timelines: what readers see, and the work each fan-out strategy does for it."""

import pytest

from microblog.platform import Microblog
from microblog.work import recording
from tests.microblog.conftest import MakeBlog, people


def home_ids(blog: Microblog, reader: int, limit: int = 20) -> list[int]:
    """Every page of the reader's home timeline, concatenated."""
    ids, cursor = [], None
    while True:
        page = blog.timelines.home(reader, cursor, limit)
        ids += [p.id for p in page.items]
        if page.next_cursor is None:
            return ids
        cursor = page.next_cursor


@pytest.mark.parametrize("followers", [0, 1, 7, 25])
def test_push_records_one_delivery_per_follower(make_blog: MakeBlog, followers: int) -> None:
    blog = make_blog(fanout="push", fanout_chunk=10)
    star, *fans = people(blog, "star", *(f"fan{i}" for i in range(followers)))
    blog.graph.follow_many([(f.id, star.id) for f in fans])
    with recording() as work:
        blog.posts.create(star.id, "hello")
    assert work.fanout_deliveries == followers
    assert blog.timelines.queue.report().deliveries == followers


def test_pull_delivers_nothing_and_merges_on_read(make_blog: MakeBlog) -> None:
    blog = make_blog(fanout="pull")
    a, b, c = people(blog, "ann", "bob", "cat")
    blog.graph.follow_many([(a.id, b.id), (a.id, c.id)])
    with recording() as write:
        blog.posts.create(b.id, "b1")
        blog.posts.create(c.id, "c1")
    with recording() as read:
        assert len(blog.timelines.home(a.id).items) == 2
    assert write.fanout_deliveries == 0
    assert read.merged_items == 2
    assert read.cache_reads == 0


def test_hybrid_pushes_below_the_threshold_and_pulls_above(make_blog: MakeBlog) -> None:
    blog = make_blog(fanout="hybrid", hybrid_threshold=3)
    star, small, *fans = people(blog, "star", "small", "fan1", "fan2", "fan3")
    blog.graph.follow_many([(f.id, star.id) for f in fans] + [(fans[0].id, small.id)])
    with recording() as work:
        big_post = blog.posts.create(star.id, "from the star")
        small_post = blog.posts.create(small.id, "from small")
    assert work.fanout_deliveries == 1
    assert home_ids(blog, fans[0].id) == [small_post.id, big_post.id]


def test_home_merges_own_and_followee_posts_newest_first(blog: Microblog) -> None:
    a, b, c = people(blog, "ann", "bob", "cat")
    blog.graph.follow(a.id, b.id)
    p1 = blog.posts.create(b.id, "1")
    p2 = blog.posts.create(a.id, "2")
    blog.posts.create(c.id, "not followed")
    p3 = blog.posts.create(b.id, "3")
    assert home_ids(blog, a.id, limit=2) == [p3.id, p2.id, p1.id]


def test_follow_backfills_and_unfollow_removes(blog: Microblog) -> None:
    a, b = people(blog, "ann", "bob")
    old = blog.posts.create(b.id, "before the follow")
    blog.graph.follow(a.id, b.id)
    assert home_ids(blog, a.id) == [old.id]
    blog.graph.unfollow(a.id, b.id)
    assert home_ids(blog, a.id) == []


def test_deleted_posts_leave_every_timeline(blog: Microblog) -> None:
    a, b = people(blog, "ann", "bob")
    blog.graph.follow(a.id, b.id)
    post = blog.posts.create(b.id, "oops")
    blog.posts.delete(b.id, post.id)
    assert home_ids(blog, a.id) == []


@pytest.mark.parametrize("fanout", ["push", "pull", "hybrid"])
def test_timeline_is_bounded_to_its_capacity(make_blog: MakeBlog, fanout: str) -> None:
    blog = make_blog(fanout=fanout, timeline_capacity=5, hybrid_threshold=1)
    a, b = people(blog, "ann", "bob")
    blog.graph.follow(a.id, b.id)
    posts = [blog.posts.create(b.id, str(i)).id for i in range(9)]
    assert home_ids(blog, a.id, limit=2) == posts[::-1][:5]


def test_a_malformed_cursor_names_the_field(blog: Microblog) -> None:
    from microblog.errors import Invalid

    (a,) = people(blog, "ann")
    with pytest.raises(Invalid) as raised:
        blog.timelines.home(a.id, "garbage")
    assert raised.value.field == "cursor"
