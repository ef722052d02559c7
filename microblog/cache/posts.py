"""Hot post bodies (with their counters) on the cache tier, so a timeline page reads its
posts with one multi-get instead of a store query.

A cached body (`encode_body`) is what a reader sees of the post, pre-serialised (the JSON
of the API's `PostPublic` with no photos, so the hot home read splices the bytes into its
response without decoding or encoding them), a tab (which orjson never writes unescaped),
and the rest of the record as a JSON array (`pushed`, `deleted`, `photo_ids`). Only a live
post without photos is served spliced (`public_body`): a deleted post is left out of pages,
and whether a photo was removed since posting is the store's to say.

Redis keeps them for every process; the memory tier keeps them only beside an SQL store
(one server process: `MemoryPostBodies`), not beside a memory store (the simulator), where
a body is already one dict lookup. Every write that
changes what a reader sees of a post (edit, delete, like, comment, repost) forgets its body
after the write commits; the next read fills it again from the store. A read that fetched
the old row just before such a commit and fills just after the forget can leave the old
body for at most `post_cache_ttl_s`, the bound every cached body carries.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

import orjson
from cachetools import TTLCache

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
    """Beside a memory store: none kept, every body comes from the store."""

    def get_many(self, post_ids: list[int]) -> dict[int, Post]:
        return {}

    def put_many(self, posts: Iterable[Post]) -> None:
        """Nothing to keep."""

    def forget(self, post_id: int) -> None:
        """Nothing kept."""


PUBLIC_FIELDS = (
    "id",
    "author_id",
    "text",
    "created_at",
    "group_id",
    "repost_of",
    "edited_at",
    "like_count",
    "comment_count",
    "repost_count",
)
"""The fields of `PostPublic` read straight off the record, in its order (its last field,
`photos`, is built from `photo_ids`); tests/microblog/api/test_bodies.py holds them equal."""
_SEPARATOR = b"\t"
_PLAIN = frozenset(orjson.dumps([pushed, False, []]) for pushed in (False, True))
"""The rest of a live post without photos, pushed or not: its public part is its body."""


def encode_body(post: Post) -> bytes:
    public = {name: getattr(post, name) for name in PUBLIC_FIELDS}
    public["photos"] = []
    rest = [post.pushed, post.deleted, post.photo_ids]
    return orjson.dumps(public) + _SEPARATOR + orjson.dumps(rest)


def decode_body(raw: bytes) -> Post:
    public, _, rest = raw.partition(_SEPARATOR)
    fields = orjson.loads(public)
    del fields["photos"]
    pushed, deleted, photo_ids = orjson.loads(rest)
    return Post(**fields, pushed=pushed, deleted=deleted, photo_ids=tuple(photo_ids))


def public_body(raw: bytes) -> bytes | None:
    """The post's public JSON, ready to splice into a page, or None when what a reader
    sees of it is not that alone (deleted, or carrying photos)."""
    public, _, rest = raw.partition(_SEPARATOR)
    return public if rest in _PLAIN else None


POST_KEY = "post-body"
"""Bodies live under `<prefix>post-body:<id>`."""


class RedisPostBodies:
    """Bodies (`encode_body`) under `post-body:<id>`, each expiring."""

    def __init__(self, redis: Redis, tier: CacheTier, ttl_s: int) -> None:
        self._redis = redis
        self._key = lambda post_id: tier.key(POST_KEY, post_id)
        self._ttl_s = ttl_s

    def get_many(self, post_ids: list[int]) -> dict[int, Post]:
        if not post_ids:
            return {}
        found = self._redis.mget([self._key(i) for i in post_ids])
        hits = {
            i: decode_body(raw)
            for i, raw in zip(post_ids, found, strict=True)
            if isinstance(raw, bytes)  # a client without decode_responses: bytes or None
        }
        record(cache_reads=len(hits))
        return hits

    def put_many(self, posts: Iterable[Post]) -> None:
        with self._redis.pipeline(transaction=False) as pipe:
            for post in posts:
                pipe.set(self._key(post.id), encode_body(post), ex=self._ttl_s)
            written = len(pipe)
            if written:
                pipe.execute()
        record(cache_writes=written)

    def forget(self, post_id: int) -> None:
        self._redis.unlink(self._key(post_id))


def _decoded(raw: bytes) -> tuple[bytes, Post]:
    """A body with the post a reader gets of it (what `decode_body` gives Redis's readers)."""
    return raw, decode_body(raw)


class MemoryPostBodies:
    """Bodies (`encode_body`) in this process, the most recently used `entries` of them, each
    expiring after `ttl_s` as in Redis. Each is kept beside the post it decodes to (a
    frozen `Post`, shared by readers), decoded once when cached rather than on every read:
    a feed page decoded its 20 posts' JSON, a tenth of the ad feed's CPU on a replayed
    baseline evening."""

    def __init__(self, entries: int, ttl_s: int) -> None:
        self._bodies: TTLCache[int, tuple[bytes, Post]] = TTLCache(maxsize=entries, ttl=ttl_s)
        self._lock = threading.Lock()

    def get_many(self, post_ids: list[int]) -> dict[int, Post]:
        with self._lock:
            found = [(i, self._bodies.get(i)) for i in post_ids]
        hits = {i: cached[1] for i, cached in found if cached is not None}
        record(cache_reads=len(hits))
        return hits

    def public_many(self, post_ids: list[int]) -> list[bytes] | None:
        """The posts' public JSON in order (`public_body`), or None unless every one is
        cached and plain (the hot read's question)."""
        with self._lock:
            found = [self._bodies.get(i) for i in post_ids]
        bodies = [
            body for cached in found if cached and (body := public_body(cached[0])) is not None
        ]
        if len(bodies) < len(post_ids):
            return None
        record(cache_reads=len(bodies))
        return bodies

    def put_many(self, posts: Iterable[Post]) -> None:
        encoded = [(post.id, _decoded(encode_body(post))) for post in posts]
        with self._lock:
            self._bodies.update(encoded)
        record(cache_writes=len(encoded))

    def forget(self, post_id: int) -> None:
        with self._lock:
            self._bodies.pop(post_id, None)


def open_post_bodies(tier: CacheTier, ttl_s: int, entries: int, *, beside_sql: bool) -> PostBodies:
    """Bodies in Redis when the tier has a client, in this process beside an SQL store (of
    which this is the only process), else none."""
    if tier.redis is not None:
        return RedisPostBodies(tier.redis, tier, ttl_s)
    return MemoryPostBodies(entries, ttl_s) if beside_sql else NoPostBodies()
