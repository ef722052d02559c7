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
- `product_post`: a `post` and the product it sells;
- `join`: the group membership, on every shard (groups belong to no shard);
- `friend`: the interaction that lowers the friend's churn hazard, on the friend's shard;
- `chat`: a direct message, into its recipient's inbox on the recipient's shard, delivered
  there live when the recipient is connected, else left for its next connect (the
  sender's shard stored it, priced it and forgot its inbox entry: `hand_over`);
- `presence`: another shard's account connected, disconnected or chose a status: the
  replica friends pages read (`sim.shards.presence`), and its friends connected here told;
- `push`: pushes sent elsewhere to this shard's accounts, into their devices' outboxes;
- `subscribe`: a follower's subscription, on the fan service's shard (which broadcasts);
- `photo`: a photo's record and bytes under its own id (unique over shards: `partition.strided`),
  so every shard a photo post reaches reads its thumbnails; its album stays with its owner;
- the shard's own handlers for the rest (`sim.shards.shard`, registered with `on`):
  `credit`, `refund`, a payment's credit to a wallet this shard holds and the refund of
  one the payee's shard refused (`sim.shards.clearing`); `ad_charge`, an ad's charge to
  its advertiser's wallet (`sim.shards.ad_billing`); `endorse`, a like, repost or order
  of a product that its commerce activity counts as a friend's endorsement;
  `merchant_quit`, a merchant another shard found quitting; `live_gift` and `gift_shown`,
  a viewer's gift to pay here and a gift paid elsewhere to show in a room here
  (`sim.shards.live_gifts`); `campaign` and `campaign_launch`, a bid review's pause and
  relaunch on another shard (`sim.shards.bid_reviews`).
"""

from __future__ import annotations

import itertools
from bisect import insort
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from microblog.chat_models import ChatMessage, PresenceChange, Status
from microblog.fanout import Proceed
from microblog.media_models import Photo
from microblog.models import Post
from microblog.money_models import ProductPost
from microblog.platform import Microblog
from microblog.push_models import PushMessage
from microblog.services.albums import Variant, media_keys
from microblog.store.memory import MemoryStore
from microblog.work import record
from sim.shards.messages import Message
from sim.shards.presence import ShardSwitchboard


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
        friend_interacted: Callable[[int, int], None],
        switchboard: ShardSwitchboard,
    ) -> None:
        store = blog.store
        assert isinstance(store, MemoryStore), "shards hold the memory store"
        self.blog = blog
        self.store = store
        self.mine = mine
        self.first_account = first_account
        self.friend_interacted = friend_interacted
        self.switchboard = switchboard
        self._apply: dict[str, Callable[..., None]] = {
            "post": self.post, "like": self.like, "comment": self.comment,
            "repost": self.repost, "follow": self.follow, "unfollow": self.unfollow,
            "join": self.join, "friend": self.friend_interacted, "chat": self.chat,
            "presence": self.presence, "push": self.push, "photo": self.photo,
            "subscribe": self.subscribe,
        }  # fmt: skip

    def apply(self, message: Message) -> None:
        self._apply[message.kind](*message.payload)

    def on(self, kind: str, handler: Callable[..., None]) -> None:
        """Apply messages of `kind` with `handler` (a kind another part of the shard owns)."""
        self._apply[kind] = handler

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
        """A product post: the post, and the product it sells (read by promotions, orders
        and the commerce activity's own record, which the shard updates)."""
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

    def chat(self, message: ChatMessage) -> None:
        """Into the recipient's inbox here (under this shard's next message id, so its
        inbox stays in arrival order), then pushed to its connections here, if any."""
        recipient = message.recipient_id
        assert recipient is not None, "only direct messages cross shards"
        with self.store.write() as tx:
            tx.chat.add_message(replace(message, id=0), [recipient])
        self.switchboard.mail([recipient])

    def hand_over(self, message: ChatMessage) -> None:
        """The sender's shard forgets the inbox entry it stored for a recipient another
        shard owns: the message is in that shard's inbox from the barrier on."""
        recipient = message.recipient_id
        assert recipient is not None, "only direct messages cross shards"
        chat = self.store.data.chat
        del chat.undelivered[recipient][message.id]
        chat.unread[recipient][message.conversation].remove(message.id)

    def presence(self, account_id: int, connected: bool, chosen: Status | None) -> None:
        """Another shard's account as it is now; its friends connected here see a change."""
        presence = self.blog.chat.presence
        before = presence.visible_status(account_id)
        self.switchboard.replicate(account_id, connected)
        if chosen is not None:
            with self.store.write() as tx:
                tx.chat.set_status(account_id, chosen)
        after = presence.visible_status(account_id)
        if after is before:
            return
        with self.store.read() as tx:
            friends = [i for i, _ in tx.chat.friends(account_id, "", None, None)]
            account = tx.accounts.get(account_id)
        assert account is not None, "every shard holds every account"
        self.switchboard.local.announce(friends, PresenceChange(account_id, account.name, after))

    def push(self, pushes: tuple[PushMessage, ...]) -> None:
        with self.store.write() as tx:
            tx.push.add_many(list(pushes))

    def photo(self, photo: Photo, full: bytes, thumbnail: bytes) -> None:
        media = self.blog.albums.media
        keys = media_keys(photo.media_key)
        media.put(keys[Variant.FULL], full)
        media.put(keys[Variant.THUMBNAIL], thumbnail)
        self.store.data.media.photos[photo.id] = photo

    def subscribe(self, service_id: int, subscriber_id: int) -> None:
        self.blog.fanservice.subscribe(service_id, subscriber_id)
