"""A cache tier that loses timelines loses nothing visible: a missing timeline is rebuilt
from the store on read, deliveries racing the rebuild are kept, and post bodies cached on
the tier show every change at once."""

from __future__ import annotations

import pytest

from microblog.cache.timelines import MemoryTimelineCache
from microblog.platform import Microblog
from microblog.work import recording
from tests.microblog.conftest import MakeBlog, people
from tests.microblog.test_timelines import home_ids

LOSSY = ["sqlite", "sqlite+redis"]
"""Backends whose cache tier may not hold a timeline (the store outlives it)."""


def lose_cache(blog: Microblog) -> None:
    """What a Redis FLUSH (or a server restarted over its store) does to the tier."""
    if blog.ctx.cache.shared:
        blog.ctx.cache.flush()
    else:
        assert isinstance(blog.timelines.cache, MemoryTimelineCache)
        blog.timelines.cache.forget_all()


@pytest.mark.parametrize("backend", LOSSY)
@pytest.mark.parametrize("fanout", ["push", "hybrid"])
def test_a_lost_timeline_is_rebuilt_on_read(make_blog: MakeBlog, fanout: str) -> None:
    blog = make_blog(fanout=fanout, hybrid_threshold=2)
    ann, bob, cat, dan = people(blog, "ann", "bob", "cat", "dan")
    blog.graph.follow_many([(ann.id, bob.id), (ann.id, cat.id), (dan.id, cat.id)])
    posts = [blog.posts.create(author.id, "hi").id for author in (bob, cat, ann, bob)]
    before = home_ids(blog, ann.id, limit=3)
    assert before == posts[::-1]
    lose_cache(blog)
    assert blog.timelines.cache.page(ann.id, None, 3) is None
    with recording() as work:
        assert home_ids(blog, ann.id, limit=3) == before
    assert work.cache_writes > 0  # the rebuild wrote the timeline back
    assert blog.timelines.cache.page(ann.id, None, 3) is not None


@pytest.mark.parametrize("backend", LOSSY)
def test_a_flush_mid_way_loses_nothing_visible(make_blog: MakeBlog) -> None:
    blog = make_blog(fanout="push")
    ann, bob, cat = people(blog, "ann", "bob", "cat")
    blog.graph.follow_many([(ann.id, bob.id), (ann.id, cat.id)])
    posts = [blog.posts.create(bob.id, str(i)).id for i in range(5)]
    first = blog.timelines.home(ann.id, limit=2)
    lose_cache(blog)
    posts.append(blog.posts.create(cat.id, "while the tier was empty").id)  # not delivered
    rest = []
    cursor = first.next_cursor
    while cursor is not None:
        page = blog.timelines.home(ann.id, cursor, 2)
        rest += [p.id for p in page.items]
        cursor = page.next_cursor
    assert [p.id for p in first.items] + rest == posts[:-1][::-1]
    assert home_ids(blog, ann.id) == posts[::-1]


@pytest.mark.parametrize("backend", LOSSY)
def test_a_post_delivered_while_a_timeline_is_rebuilt_is_kept(make_blog: MakeBlog) -> None:
    blog = make_blog(fanout="push")
    ann, bob = people(blog, "ann", "bob")
    blog.graph.follow(ann.id, bob.id)
    old = blog.posts.create(bob.id, "old").id
    lose_cache(blog)
    cache = blog.timelines.cache
    finish = cache.finish_rebuild
    late: list[int] = []

    def finish_after_a_delivery(
        owner: int, generation: int, ids: list[int], *, whole: bool = False
    ) -> bool:
        # The rebuild has read the store; this post commits and is delivered only now.
        late.append(blog.posts.create(bob.id, "late").id)
        return finish(owner, generation, ids, whole=whole)

    cache.finish_rebuild = finish_after_a_delivery  # type: ignore[method-assign]
    assert home_ids(blog, ann.id) == [old]  # this read rebuilt from what the store had
    cache.finish_rebuild = finish  # type: ignore[method-assign]
    assert home_ids(blog, ann.id) == [late[0], old]


def test_body_changes_show_on_the_next_read(blog: Microblog) -> None:
    ann, bob = people(blog, "ann", "bob")
    blog.graph.follow(ann.id, bob.id)
    post = blog.posts.create(bob.id, "first draft")

    def shown() -> tuple[str, int, int, int]:
        (item,) = [p for p in blog.timelines.home(ann.id).items if p.id == post.id]
        return item.text, item.like_count, item.comment_count, item.repost_count

    assert shown() == ("first draft", 0, 0, 0)
    blog.posts.edit(bob.id, post.id, "final")
    assert shown() == ("final", 0, 0, 0)
    blog.posts.like(ann.id, post.id)
    assert shown() == ("final", 1, 0, 0)
    blog.posts.comment(ann.id, post.id, "nice")
    assert shown() == ("final", 1, 1, 0)
    blog.posts.create(ann.id, "look", repost_of=post.id)
    assert shown() == ("final", 1, 1, 1)
    blog.posts.unlike(ann.id, post.id)
    assert shown() == ("final", 0, 1, 1)
    blog.posts.delete(bob.id, post.id)
    assert post.id not in home_ids(blog, ann.id)


@pytest.mark.parametrize("backend", ["sqlite+redis"])
def test_a_warm_read_takes_bodies_from_the_tier(make_blog: MakeBlog) -> None:
    blog = make_blog(fanout="push")
    ann, bob = people(blog, "ann", "bob")
    blog.graph.follow(ann.id, bob.id)
    for n in range(3):
        blog.posts.create(bob.id, str(n))
    blog.timelines.home(ann.id)
    with recording() as work:
        assert len(blog.timelines.home(ann.id).items) == 3
    assert (work.db_reads, work.cache_reads, work.cache_writes) == (0, 6, 0)


@pytest.mark.parametrize("backend", ["sqlite", "sqlite+redis"])
def test_the_operator_rebuilds_every_timeline(make_blog: MakeBlog) -> None:
    from microblog.rebuild import rebuild_in

    blog = make_blog(fanout="push")
    ann, bob, cat = people(blog, "ann", "bob", "cat")
    blog.graph.follow_many([(ann.id, bob.id), (cat.id, bob.id)])
    post = blog.posts.create(bob.id, "hi").id
    lose_cache(blog)
    assert rebuild_in(blog, None) == 3
    for reader in (ann.id, cat.id):
        assert blog.timelines.cache.page(reader, None, 5) == [post]
    assert blog.timelines.cache.page(bob.id, None, 5) == [post]  # his own, merged too
