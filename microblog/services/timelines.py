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

from microblog.config import FanoutStrategy
from microblog.fanout import FanoutQueueFactory, Proceed, always
from microblog.fanout.local import InlineQueue
from microblog.models import Account, Page, Post
from microblog.services.context import Context
from microblog.services.cursors import parse_timeline_cursor, timeline_cursor
from microblog.store.base import Tx
from microblog.work import record


def _newest_union(streams: list[list[int]], limit: int) -> list[int]:
    return sorted({i for stream in streams for i in stream}, reverse=True)[:limit]


class Timelines:
    def __init__(self, ctx: Context, fanout: FanoutQueueFactory = InlineQueue) -> None:
        self.ctx = ctx
        self.queue = fanout(self.deliver, ctx.clock)

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
        """Queue a pushed public post for delivery to every follower (see microblog.fanout)."""
        if post.pushed and post.group_id is None:
            self.queue.submit(post)

    def deliver(self, post: Post, proceed: Proceed = always) -> int | None:
        """Deliver a post to every follower, a chunk per transaction; the followers reached.

        Idempotent, so a queue may deliver a post twice. `proceed` is asked before each
        chunk: a worker shutting down stops between chunks (None) and leaves the post to
        another, which delivers it again from the start.
        """
        with self.ctx.store.read() as tx:
            chunks = list(tx.graph.follower_chunks(post.author_id, self.ctx.config.fanout_chunk))
        for chunk in chunks:
            if not proceed():
                return None
            with self.ctx.store.write() as tx:
                tx.timelines.deliver(chunk, post.id, self.ctx.config.timeline_capacity)
        return sum(map(len, chunks))

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
