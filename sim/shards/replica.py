"""How a shard applies what another shard's calls did to the accounts and posts it holds.

Every shard holds the whole seeded platform (accounts, follows, groups, history) and runs
only its own accounts' calls, so its replica diverges from the others' only by what those
calls write. What another shard must know travels as a message (`sim.shards.messages`) and
is applied here, outside any work-recording scope: the call that caused it was priced once,
where it ran. What is applied is the owner's part of the effect and nothing more:

- `post`: the post is stored under its own id (ids are globally unique, `PostIds`) and
  delivered to the followers this shard owns, so their home timelines (push) and merged
  reads (pull) find it; its author's shard delivered it to its own followers and counted
  every follower's delivery (`fan_out_owned`), so the run counts each once;
- `like`, `comment`, `repost`: the post's counters (and the comment) on its author's shard;
- `follow`, `unfollow`: the edge and its counts on the followee's shard, whose fan-out and
  hybrid threshold read them (the follower's shard rebuilt the follower's timeline);
- `join`: the group membership, on every shard (groups belong to no shard);
- `product_post`: a post and the product it sells (its link, which an order through it
  reads for the referral), stored and delivered like a post;
- the shard's own handlers for the rest (`sim.shards.shard`): `friend`, the interaction
  that lowers the friend's churn hazard; `credit`, `refund`, a payment's credit to a
  wallet this shard holds and the refund of one the payee's shard refused
  (`sim.shards.clearing`); `endorse`, a like, repost or order of a product that its
  commerce activity counts as a friend's endorsement.
"""

from __future__ import annotations

import itertools
from bisect import insort
from collections.abc import Callable, Mapping

import numpy as np

from microblog.fanout import Proceed
from microblog.models import Post
from microblog.money_models import ProductPost
from microblog.platform import Microblog
from microblog.store.memory import MemoryStore
from microblog.work import record
from sim.shards.messages import Message


class PostIds:
    """Post ids unique over all shards and ordered by window: at each barrier every shard
    restarts its counter from the same base, shard s taking base + s, base + s + K, ..."""

    def __init__(self, store: MemoryStore, shard: int, shards: int) -> None:
        self.store = store
        self.shard = shard
        self.shards = shards

    def peek(self) -> int:
        """The next id this shard would give (taking it leaves a gap, which is harmless)."""
        return next(self.store.data.ids["posts"])

    def restart(self, base: int) -> None:
        self.store.data.ids["posts"] = itertools.count(base + self.shard, self.shards)


class Replica:
    """Applies one shard's inbox to its microblog and its users' state."""

    def __init__(
        self,
        blog: Microblog,
        mine: np.ndarray,
        first_account: int,
        handlers: Mapping[str, Callable[..., None]],
    ) -> None:
        store = blog.store
        assert isinstance(store, MemoryStore), "shards hold the memory store"
        self.blog = blog
        self.store = store
        self.mine = mine
        self.first_account = first_account
        self._apply: dict[str, Callable[..., None]] = {
            "post": self.post, "like": self.like, "comment": self.comment,
            "repost": self.repost, "follow": self.follow, "unfollow": self.unfollow,
            "join": self.join, **handlers,
        }  # fmt: skip

    def apply(self, message: Message) -> None:
        self._apply[message.kind](*message.payload)

    def owned_followers(self, author_id: int) -> list[int]:
        first, mine = self.first_account, self.mine
        followers = self.store.data.followers.get(author_id, ())
        return sorted(f for f in followers if f >= first and mine[f - first])

    def fan_out_owned(self, post: Post, _proceed: Proceed) -> int:
        """The author's shard's fan-out: into the home timelines of the followers it owns;
        the other shards deliver to theirs when the post reaches them (`post`). It counts
        every follower, as the platform's fan-out workers deliver to them all."""
        with self.store.read() as tx:
            chunks = tx.graph.follower_chunks(post.author_id, self.blog.config.fanout_chunk)
            followers = [follower for chunk in chunks for follower in chunk]
        first, mine = self.first_account, self.mine
        owned = [f for f in followers if f >= first and mine[f - first]]
        self.blog.timelines.cache.deliver(owned, post.id)
        record(fanout_deliveries=len(followers) - len(owned))
        return len(followers)

    def post(self, post: Post) -> None:
        data = self.store.data
        with self.store.write():
            data.posts[post.id] = post
            if post.group_id is not None:
                insort(data.group_posts[post.group_id], post.id)
                return
            data.author_posts[post.author_id].append(post.id)  # one author: one shard, in order
            (data.author_pushed if post.pushed else data.author_unpushed)[post.author_id].append(
                post.id
            )
            if not post.pushed:
                data.pull_authors.add(post.author_id)
        if post.pushed:
            self.blog.timelines.cache.deliver(self.owned_followers(post.author_id), post.id)

    def product_post(self, post: Post, link: ProductPost) -> None:
        self.post(post)
        with self.store.write() as tx:
            tx.shops.link_post(link)

    def like(self, actor_id: int, post_id: int) -> None:
        self.blog.posts.like(actor_id, post_id)

    def comment(self, actor_id: int, post_id: int, text: str) -> None:
        """The comment and its count; the commenter's shard already pushed its mentions."""
        with self.store.write() as tx:
            tx.posts.add_counts(post_id, comments=1)
            tx.posts.add_comment(post_id, actor_id, text, self.blog.ctx.clock())
        self.blog.timelines.post_changed(post_id)

    def repost(self, post_id: int) -> None:
        with self.store.write() as tx:
            tx.posts.add_counts(post_id, reposts=1)
        self.blog.timelines.post_changed(post_id)

    def follow(self, follower_id: int, followee_id: int) -> None:
        with self.store.write() as tx:
            if tx.graph.add(follower_id, followee_id, self.blog.ctx.clock()):
                tx.accounts.add_follow_counts(follower_id, followee_id, +1)

    def unfollow(self, follower_id: int, followee_id: int) -> None:
        with self.store.write() as tx:
            if tx.graph.remove(follower_id, followee_id):
                tx.accounts.add_follow_counts(follower_id, followee_id, -1)

    def join(self, actor_id: int, group_id: int) -> None:
        self.blog.groups.join(actor_id, group_id)
