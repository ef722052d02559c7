"""A home read's store streams: each gives its newest page, however many posts it holds.

The SQL statement bounds every group and every pulled followee to its newest `limit`
posts inside the query (`microblog.store.sql.home`); the memory store pages each stream in
Python. Both must give the same ids.
"""

from __future__ import annotations

from microblog.config import FanoutStrategy
from microblog.store.base import FolloweePosts
from tests.microblog.conftest import MakeBlog, people

LIMIT = 5
POSTS_A_STREAM = 12


def test_every_stream_gives_its_newest_page_below_the_cursor(make_blog: MakeBlog) -> None:
    """Hybrid fan-out with a threshold of one follower: the star, followed by the reader and
    another, is pulled; the plain account, followed by the reader only, is pushed; the
    reader's own posts are pushed until two fans follow it, then not (its own stream holds
    both)."""
    blog = make_blog(fanout=FanoutStrategy.HYBRID, hybrid_threshold=2)
    reader, owner, star, plain, fan = people(blog, "reader", "owner", "star", "plain", "fan")
    blog.graph.follow(fan.id, star.id)
    fans_of_reader = people(blog, "fan_1", "fan_2")
    clubs = [blog.groups.create(owner.id, f"club {i}") for i in range(2)]
    for club in clubs:
        blog.groups.join(reader.id, club.id)
    for followee in (star, plain):
        blog.graph.follow(reader.id, followee.id)
    streams: dict[str, list[int]] = {"own": [], "star": [], "club 0": [], "club 1": []}
    for n in range(POSTS_A_STREAM):
        if n == POSTS_A_STREAM - 3:  # the reader's last posts are not pushed: both kinds
            for follower in fans_of_reader:
                blog.graph.follow(follower.id, reader.id)
        streams["own"].append(blog.posts.create(reader.id, "mine").id)
        streams["star"].append(blog.posts.create(star.id, "pulled").id)
        blog.posts.create(plain.id, "pushed to followers: not a store stream")
        for club in clubs:
            streams[club.name].append(blog.posts.create(owner.id, "hi", group_id=club.id).id)

    for before in (None, streams["star"][8]):
        with blog.store.read() as tx:
            ids = tx.posts.home_streams(reader.id, before, LIMIT, FolloweePosts.UNPUSHED)
        below = [[i for i in s if before is None or i < before] for s in streams.values()]
        expected = {i for stream in below for i in sorted(stream)[-LIMIT:]}
        assert sorted(ids) == sorted(expected)
        assert len(ids) == len(expected)  # no post twice
        assert set(ids) & set(streams["star"]) and set(ids) & set(streams["club 1"])
