"""Home timelines under three fan-out strategies that differ only in the work they do.

The home timeline of a reader is the newest `timeline_capacity` posts of one stream: their
own posts, their followees' public posts and the posts of their groups. Push materialises
followees' posts at write time; pull merges them at read time; hybrid pushes ordinary
authors and pulls the posts it did not push (authors at or above the follower threshold
when they posted). Own and group posts are always merged on read. Every strategy pages the
same stream with a cursor that carries the reader's rank in it, so the capacity bound is
applied identically everywhere and the three strategies return identical pages.

Timelines rebuilt from the store (every tier but the simulator's, which is complete from
the start) also hold their owner's own public posts, delivered at write time. Under push
fan-out, the rebuild of a reader in no group then finds the timeline to be the reader's
whole home stream and marks it so; the API serves such a page from the cache tier alone
(microblog.cache.hot_pages) and this module's `home` serves every other read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from microblog.cache.posts import open_post_bodies
from microblog.cache.timelines import open_timelines
from microblog.config import FanoutStrategy
from microblog.fanout import PostQueueFactory, Proceed, always
from microblog.fanout.local import InlineQueue
from microblog.models import Account, Page, Post
from microblog.services.context import Context
from microblog.services.cursors import parse_timeline_cursor, timeline_cursor
from microblog.store.base import FolloweePosts, Tx
from microblog.work import record


def _newest_union(first: list[int], second: list[int], limit: int) -> list[int]:
    return sorted({*first, *second}, reverse=True)[:limit]


def _below(newest_first: list[int], before: int | None, limit: int) -> list[int]:
    if before is not None:
        newest_first = [i for i in newest_first if i < before]
    return newest_first[:limit]


def followee_posts(strategy: FanoutStrategy) -> FolloweePosts:
    """What a strategy merges on read of followees' posts (fan-out delivered the rest).

    Compared by identity: a dict keyed by the enum would hash it in Python on every read.
    """
    if strategy is FanoutStrategy.PUSH:
        return FolloweePosts.NONE
    return FolloweePosts.UNPUSHED if strategy is FanoutStrategy.HYBRID else FolloweePosts.ALL


REBUILD_BATCH = 1000
"""Accounts listed per store query when the operator rebuilds every timeline."""


@dataclass(frozen=True, slots=True)
class Window:
    """Where a page of a home timeline starts (`rank` entries already read, below the id
    `before`) and how many ids it may take without passing the timeline's capacity."""

    rank: int
    before: int | None
    take: int
    capacity: int

    def next_cursor(self, ids: list[int]) -> str | None:
        """The cursor of the page after one of these ids (None: the timeline ends here)."""
        rank = self.rank + len(ids)
        more = len(ids) == self.take and rank < self.capacity
        return timeline_cursor(rank, ids[-1]) if more else None


class Timelines:
    def __init__(self, ctx: Context, fanout: PostQueueFactory = InlineQueue) -> None:
        self.ctx = ctx
        self.queue = fanout(self.deliver, ctx.clock)
        complete = ctx.store.volatile and not ctx.cache.shared
        self.cache = open_timelines(ctx.cache, ctx.config.timeline_capacity, complete=complete)
        """Materialised timelines (push and hybrid) on the cache tier."""
        config = ctx.config
        self.bodies = open_post_bodies(
            ctx.cache,
            config.post_cache_ttl_s,
            config.post_memo_entries,
            beside_sql=not ctx.store.volatile,
        )
        """Hot post bodies on the cache tier (see microblog.cache.posts)."""
        self.own_posts_delivered = not complete
        """Whether timelines hold their owners' own posts too (see the module)."""

    def pushes(self, author: Account) -> bool:
        """Whether fan-out on write delivers this author's next public post."""
        strategy = self.ctx.config.fanout
        if strategy is FanoutStrategy.HYBRID:
            return author.follower_count < self.ctx.config.hybrid_threshold
        return strategy is FanoutStrategy.PUSH

    @property
    def materialised(self) -> bool:
        """Whether fan-out keeps home timelines (push, hybrid) rather than none (pull)."""
        return self.ctx.config.fanout is not FanoutStrategy.PULL

    def window(self, cursor: str | None, limit: int) -> Window:
        """The page a cursor and limit ask for (`Invalid` names a bad one)."""
        capacity = self.ctx.config.timeline_capacity
        limit = self.ctx.page_limit(limit)
        rank, before = parse_timeline_cursor(cursor)
        return Window(rank, before, max(0, min(limit, capacity - rank)), capacity)

    def home(self, viewer_id: int, cursor: str | None = None, limit: int = 20) -> Page[Post]:
        """One page of the reader's home timeline, newest first.

        Round trips: the materialised page (cache), then one store query for every merged
        stream and one for the bodies the cache tier lacks, outside a transaction (a post
        deleted between them is left out, as if deleted just after the read).
        """
        window = self.window(cursor, limit)
        if window.take == 0:
            return Page([], None)
        before, take = window.before, window.take
        followees = followee_posts(self.ctx.config.fanout)
        pushed = (
            [] if followees is FolloweePosts.ALL else self._materialised(viewer_id, before, take)
        )
        with self.ctx.store.statements() as tx:
            pulled = tx.posts.home_streams(viewer_id, before, take, followees)
            record(merged_items=len(pulled))
            ids = _newest_union(pushed, pulled, take)
            found = self._bodies(tx, ids)
        posts = [found[i] for i in ids if i in found and not found[i].deleted]
        return Page(posts, window.next_cursor(ids))

    def _materialised(self, owner_id: int, before: int | None, take: int) -> list[int]:
        """The cached page, or (a timeline the tier lost) the page of its rebuild."""
        ids = self.cache.page(owner_id, before, take)
        return ids if ids is not None else _below(self._rebuild(owner_id), before, take)

    def _bodies(self, tx: Tx, ids: list[int]) -> dict[int, Post]:
        found = self.bodies.get_many(ids)
        missing = [i for i in ids if i not in found] if found else ids
        if missing:
            fetched = tx.posts.get_many(missing)
            self.bodies.put_many(fetched.values())
            if not found:  # none cached (always, beside a memory store): no merge to make
                return fetched
            found.update(fetched)
        return found

    def post_changed(self, post_id: int) -> None:
        """A committed change to a post (text, deletion, counters): readers see it at once."""
        self.bodies.forget(post_id)

    def fan_out(self, post: Post) -> None:
        """Deliver a public post to its author's own timeline (when timelines hold their
        owners' posts) and, pushed, queue it for every follower (see microblog.fanout)."""
        if post.group_id is not None:
            return
        if self.own_posts_delivered:
            self.cache.merge(post.author_id, [post.id])
        if post.pushed:
            self.queue.submit(post)

    def joined_group(self, account_id: int) -> None:
        """A reader now in a group has a store stream beside the timeline: drop a timeline
        marked whole (the next read rebuilds it, and the rebuild sees the membership)."""
        if self.own_posts_delivered:
            self.cache.forget(account_id)

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
            self.cache.deliver(chunk, post.id)
        return sum(map(len, chunks))

    def backfill(self, owner_id: int, author_id: int) -> None:
        """Merge a newly followed author's pushed posts into the owner's timeline (after the
        follow committed, so a rebuild racing it sees the follow or the merge)."""
        if not self.materialised:
            return
        with self.ctx.store.read() as tx:
            ids = tx.posts.by_author(
                author_id, None, self.ctx.config.timeline_capacity, pushed=True
            )
        self.cache.merge(owner_id, ids)

    def rebuild(self, owner_id: int) -> None:
        """Recompute a timeline from the store now (after an unfollow, or by the operator)."""
        if self.materialised:
            self.cache.forget(owner_id)
            self._rebuild(owner_id)

    def rebuild_all(self, progress: Callable[[int], None] | None = None) -> int:
        """Rebuild every account's timeline; calls `progress` with the count done so far."""
        done = after = 0
        while True:
            with self.ctx.store.read() as tx:
                owners = tx.accounts.ids_after(after, REBUILD_BATCH)
            if not owners:
                return done
            for owner in owners:
                self.rebuild(owner)
            done, after = done + len(owners), owners[-1]
            if progress is not None:
                progress(done)

    def _rebuild(self, owner_id: int) -> list[int]:
        """Mark the timeline present, read the store, merge: see microblog.cache.timelines.
        With the owner's own posts, a timeline of push fan-out whose owner is in no group
        is their whole home stream."""
        capacity = self.ctx.config.timeline_capacity
        generation = self.cache.start_rebuild(owner_id)
        whole = False
        with self.ctx.store.read() as tx:
            ids = tx.posts.pushed_by_followees(owner_id, capacity)
            if self.own_posts_delivered:
                own = tx.posts.by_author(owner_id, None, capacity)
                ids = _newest_union(ids, own, capacity)
                push = self.ctx.config.fanout is FanoutStrategy.PUSH
                whole = push and not tx.groups.groups_of(owner_id)
        self.cache.finish_rebuild(owner_id, generation, ids, whole=whole)
        return ids
