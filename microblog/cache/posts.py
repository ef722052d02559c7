"""Hot post bodies (with their counters) on the cache tier, so a timeline page reads its
posts with one multi-get instead of a store query.

Only a shared tier (Redis) keeps bodies: the memory tier lives beside a memory store (the
simulator), where a body is already one dict lookup, or beside one SQL server process,
where one multi-get statement per page is the store's share of a read. Every write that
changes what a reader sees of a post (edit, delete, like, comment, repost) forgets its body
after the write commits; the next read fills it again from the store. A read that fetched
the old row just before such a commit and fills just after the forget can leave the old
body for at most `post_cache_ttl_s`, the bound every cached body carries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import astuple, replace
from typing import TYPE_CHECKING, Protocol

import orjson

from microblog.models import Post
from microblog.work import record

if TYPE_CHECKING:
    from redis import Redis

    from microblog.cache import CacheTier


class PostBodies(Protocol):
    def get_many(self, post_ids: list[int]) -> dict[int, Post]:
        """The cached bodies among these posts (the rest are read from the store)."""
        ...

    def put_many(self, posts: Iterable[Post]) -> None:
        """Cache bodies just read from the store."""
        ...

    def forget(self, post_id: int) -> None:
        """Drop a body whose post changed (after the change committed)."""
        ...


class NoPostBodies:
    """The memory tier's bodies: none kept, every body comes from the store."""

    def get_many(self, post_ids: list[int]) -> dict[int, Post]:
        return {}

    def put_many(self, posts: Iterable[Post]) -> None:
        """Nothing to keep."""

    def forget(self, post_id: int) -> None:
        """Nothing kept."""


class RedisPostBodies:
    """Bodies as orjson arrays of the record's fields under `post:<id>`, each expiring."""

    def __init__(self, redis: Redis, tier: CacheTier, ttl_s: int) -> None:
        self._redis = redis
        self._key = lambda post_id: tier.key("post", post_id)
        self._ttl_s = ttl_s

    def get_many(self, post_ids: list[int]) -> dict[int, Post]:
        if not post_ids:
            return {}
        found = self._redis.mget([self._key(i) for i in post_ids])
        hits = {i: _post(orjson.loads(raw)) for i, raw in zip(post_ids, found, strict=True) if raw}
        record(cache_reads=len(hits))
        return hits

    def put_many(self, posts: Iterable[Post]) -> None:
        with self._redis.pipeline(transaction=False) as pipe:
            for post in posts:
                pipe.set(self._key(post.id), orjson.dumps(astuple(post)), ex=self._ttl_s)
            written = len(pipe)
            if written:
                pipe.execute()
        record(cache_writes=written)

    def forget(self, post_id: int) -> None:
        self._redis.unlink(self._key(post_id))


def _post(fields: list[object]) -> Post:
    """A post from its cached fields (JSON has no tuples: its photo ids come back a list)."""
    post = Post(*fields)  # type: ignore[arg-type]
    return replace(post, photo_ids=tuple(post.photo_ids)) if post.photo_ids else post


def open_post_bodies(tier: CacheTier, ttl_s: int) -> PostBodies:
    """Bodies in Redis when the tier has a client, else none."""
    if tier.redis is not None:
        return RedisPostBodies(tier.redis, tier, ttl_s)
    return NoPostBodies()
