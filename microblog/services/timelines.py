"""Home timelines under three fan-out strategies that differ only in the work they do.

The home timeline of a reader is the newest `timeline_capacity` posts of one stream: their
own posts, their followees' public posts and the posts of their groups. Push materialises
followees' posts at write time; pull merges them at read time; hybrid pushes ordinary
authors and pulls the posts it did not push (authors at or above the follower threshold
when they posted). Own and group posts are always merged on read. Every strategy pages the
same stream with a cursor that carries the reader's rank in it, so the capacity bound is
applied identically everywhere and the three strategies return identical pages.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from microblog.config import FanoutStrategy
from microblog.models import Account, Page, Post
from microblog.services.context import Context
from microblog.services.cursors import parse_timeline_cursor, timeline_cursor
from microblog.store.base import Tx
from microblog.work import record

FanoutRunner = Callable[[Callable[[], None]], None]
"""Runs a fan-out job: inline (simulator, tests) or on background workers (server)."""


def run_inline(job: Callable[[], None]) -> None:
    job()


class BackgroundFanout:
    """Fan-out on worker threads, so a big V's post returns before its last delivery."""

    def __init__(self, workers: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fanout")

    def __call__(self, job: Callable[[], None]) -> None:
        self._pool.submit(job)

    def drain(self) -> None:
        self._pool.shutdown(wait=True)


class FanoutStats:
    """Deliveries done and the lag (post created -> last follower delivered) of recent posts."""

    def __init__(self, keep: int = 100_000) -> None:
        self._lock = threading.Lock()
        self.deliveries = 0
        self.lags_s: deque[float] = deque(maxlen=keep)

    def add(self, deliveries: int, lag_s: float) -> None:
        with self._lock:
            self.deliveries += deliveries
            self.lags_s.append(lag_s)


def _newest_union(streams: list[list[int]], limit: int) -> list[int]:
    return sorted({i for stream in streams for i in stream}, reverse=True)[:limit]


class Timelines:
    def __init__(self, ctx: Context, run_fanout: FanoutRunner = run_inline) -> None:
        self.ctx = ctx
        self.run_fanout = run_fanout
        self.stats = FanoutStats()

    def pushes(self, author: Account) -> bool:
        """Whether fan-out on write delivers this author's next public post."""
        strategy = self.ctx.config.fanout
        if strategy is FanoutStrategy.HYBRID:
            return author.follower_count < self.ctx.config.hybrid_threshold
        return strategy is FanoutStrategy.PUSH

    def home(self, viewer_id: int, cursor: str | None = None, limit: int = 20) -> Page[Post]:
        """One page of the reader's home timeline, newest first."""
        limit = self.ctx.page_limit(limit)
        rank, before = parse_timeline_cursor(cursor)
        take = min(limit, self.ctx.config.timeline_capacity - rank)
        if take <= 0:
            return Page([], None)
        with self.ctx.store.read() as tx:
            ids = _newest_union(self._streams(tx, viewer_id, before, take), take)
            found = tx.posts.get_many(ids)
        rank += len(ids)
        more = len(ids) == take and rank < self.ctx.config.timeline_capacity
        posts = [found[i] for i in ids if i in found and not found[i].deleted]
        return Page(posts, timeline_cursor(rank, ids[-1]) if more else None)

    def _streams(self, tx: Tx, viewer_id: int, before: int | None, take: int) -> list[list[int]]:
        strategy = self.ctx.config.fanout
        pulled: list[list[int]] = [tx.posts.by_author(viewer_id, before, take)]
        pulled += [tx.posts.by_group(g, before, take) for g in tx.groups.groups_of(viewer_id)]
        if strategy is FanoutStrategy.PULL:
            pulled += [
                tx.posts.by_author(a, before, take) for a in tx.graph.all_followees(viewer_id)
            ]
        elif strategy is FanoutStrategy.HYBRID:
            pulled += [
                tx.posts.by_author(a, before, take, pushed=False)
                for a in tx.graph.pull_followees(viewer_id)
            ]
        record(merged_items=sum(map(len, pulled)))
        if strategy is FanoutStrategy.PULL:
            return pulled
        return [tx.timelines.page(viewer_id, before, take), *pulled]

    def fan_out(self, post: Post) -> None:
        """Deliver a pushed public post to every follower (through the fan-out runner)."""
        if post.pushed and post.group_id is None:
            self.run_fanout(lambda: self._deliver(post))

    def _deliver(self, post: Post) -> None:
        with self.ctx.store.read() as tx:
            chunks = list(tx.graph.follower_chunks(post.author_id, self.ctx.config.fanout_chunk))
        for chunk in chunks:
            with self.ctx.store.write() as tx:
                tx.timelines.deliver(chunk, post.id, self.ctx.config.timeline_capacity)
        self.stats.add(sum(map(len, chunks)), self.ctx.clock() - post.created_at)

    def backfill(self, tx: Tx, owner_id: int, author_id: int) -> None:
        """Merge a newly followed author's pushed posts into a materialised timeline."""
        if self.ctx.config.fanout is FanoutStrategy.PULL:
            return
        capacity = self.ctx.config.timeline_capacity
        streams = [
            tx.timelines.page(owner_id, None, capacity),
            tx.posts.by_author(author_id, None, capacity, pushed=True),
        ]
        tx.timelines.replace(owner_id, _newest_union(streams, capacity))

    def rebuild(self, tx: Tx, owner_id: int) -> None:
        """Recompute a materialised timeline from the pushed posts of its followees."""
        if self.ctx.config.fanout is FanoutStrategy.PULL:
            return
        capacity = self.ctx.config.timeline_capacity
        streams = [
            tx.posts.by_author(a, None, capacity, pushed=True)
            for a in tx.graph.all_followees(owner_id)
        ]
        tx.timelines.replace(owner_id, _newest_union(streams, capacity))
