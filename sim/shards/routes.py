"""Where a shard's calls send their effects on other shards' accounts and posts.

One handler per request path: after a call on the shard succeeded, its handler makes the
messages (`sim.shards.messages`) whose owners apply them at the barrier
(`sim.shards.replica`). What a call does within itself to another shard's accounts (a
push to a phone, a post's fan-out) is routed where it happens (`RoutedPush`,
`Replica.fan_out_owned`); what a session's friend interaction does, by `RoutedUsers`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from microblog.chat_models import ChatMessage
from microblog.live_models import Room
from microblog.media_models import Photo
from microblog.models import Post
from microblog.money_models import ProductPost
from microblog.push_models import PushMessage
from microblog.services.albums import Variant, media_keys
from sim.activities.base import Call
from sim.shards.messages import Outbox
from sim.shards.presence import ShardSwitchboard
from sim.shards.replica import Replica
from sim.world import World

POST_CREATING = ("post", "group_post", "app_post")
"""Paths whose result is a new post (a repost is one too, and also a reaction)."""
PRESENCE_CHANGING = ("chat_connect", "chat_disconnect", "chat_presence")

Handler = Callable[[int, Call, Any], None]
"""(acting account, the call, what it returned)."""


class Routes:
    def __init__(
        self,
        world: World,
        owner: np.ndarray,
        shard: int,
        shards: int,
        outbox: Outbox,
        replica: Replica,
        switchboard: ShardSwitchboard,
    ) -> None:
        self.world = world
        self.owner = owner
        self.shard = shard
        self.shards = shards
        self.outbox = outbox
        self.replica = replica
        self.switchboard = switchboard
        self._handlers: dict[str, Handler] = {
            **dict.fromkeys(POST_CREATING, self._post),
            "repost": self._repost, "like": self._reaction, "comment": self._reaction,
            "follow": self._follow, "unfollow": self._follow, "group_join": self._group_join,
            "chat_send": self._chat, **dict.fromkeys(PRESENCE_CHANGING, self._presence),
            "photo_upload": self._photo, "fanservice_subscribe": self._subscribe,
            "live_start": self._live_start, "product_post": self._product_post,
        }  # fmt: skip

    def on(self, path: str, handler: Handler) -> None:
        """Route succeeded calls on `path` with `handler` (a path another part owns)."""
        self._handlers[path] = handler

    def route(self, actor: int, call: Call, result: Any) -> None:
        """The messages a succeeded call makes, if any."""
        handler = self._handlers.get(call.path)
        if handler is not None:
            handler(actor, call, result)

    # What calls make

    def _post(self, _actor: int, _call: Call, post: Post) -> None:
        self.to_all_others("post", (post,))

    def _product_post(self, _actor: int, _call: Call, posted: tuple[Post, ProductPost]) -> None:
        """The post with the product it sells (`Replica.product_post`)."""
        self.to_all_others("product_post", posted)

    def _repost(self, actor: int, call: Call, post: Post) -> None:
        self._post(actor, call, post)
        self._reaction(actor, call, post)

    def _reaction(self, actor: int, call: Call, _result: Any) -> None:
        """A like, comment or repost of a post: to the shard of the post's author."""
        post_id = call.params["post_id"]
        author = self.replica.store.data.posts[post_id].author_id
        extra = (call.params["text"],) if call.path == "comment" else ()
        payload = (post_id,) if call.path == "repost" else (actor, post_id, *extra)
        self._to_owner_of(author, call.path, payload)

    def _follow(self, actor: int, call: Call, _result: Any) -> None:
        target = call.params["account_id"]
        self._to_owner_of(target, call.path, (actor, target))

    def _group_join(self, actor: int, call: Call, _result: Any) -> None:
        self.to_all_others("join", (actor, call.params["group_id"]))

    def _chat(self, _actor: int, _call: Call, message: ChatMessage) -> None:
        """A message to another shard's account: to its inbox there, out of this one's."""
        assert message.recipient_id is not None, "the simulator sends to friends only"
        if self.owner_of(message.recipient_id) != self.shard:
            self.replica.hand_over(message)
            self._to_owner_of(message.recipient_id, "chat", (message,))

    def _presence(self, actor: int, _call: Call, _result: Any) -> None:
        """The account's presence as it is after the call, for every other shard's replica."""
        connected = self.switchboard.hub.is_online(actor)
        chosen = self.replica.store.data.chat.statuses.get(actor)
        self.to_all_others("presence", (actor, connected, chosen))

    def _photo(self, _actor: int, _call: Call, photo: Photo) -> None:
        media = self.world.blog.albums.media
        keys = media_keys(photo.media_key)
        full, thumbnail = media.get(keys[Variant.FULL]), media.get(keys[Variant.THUMBNAIL])
        assert full is not None and thumbnail is not None, "an uploaded photo has its bytes"
        self.to_all_others("photo", (photo, full, thumbnail))

    def _subscribe(self, actor: int, call: Call, _result: Any) -> None:
        service = call.params["account_id"]
        self._to_owner_of(service, "subscribe", (service, actor))

    def _live_start(self, _actor: int, _call: Call, room: Room) -> None:
        """Its announcement is a post like any other."""
        self.to_all_others("post", (self.replica.store.data.posts[room.announcement_id],))

    # What happens within calls

    def owns(self, account_id: int) -> bool:
        """Whether this shard owns the account (accounts outside the population, such as
        apps' developers, are in every shard's replica alike: kept where they are)."""
        row = self.world.row(account_id)
        return not 0 <= row < self.owner.size or self.owner_of(account_id) == self.shard

    def pushes(self, pushes: list[PushMessage]) -> None:
        """Pushes to other shards' accounts, to their outboxes (`RoutedPush`)."""
        targets: dict[int, list[PushMessage]] = {}
        for push in pushes:
            targets.setdefault(self.owner_of(push.account_id), []).append(push)
        for target, theirs in sorted(targets.items()):
            self.send(target, "push", (tuple(theirs),))

    def endorsed(self, index: int, account: int) -> None:
        """A like, repost or purchase endorsing product `index`: its endorser's friends on
        every shard see it (`Commerce.endorse`)."""
        self.to_all_others("endorse", (index, account))

    def merchant_quit(self, row: int) -> None:
        """A merchant of this shard quit selling: every shard's browsing stops picking it."""
        self.to_all_others("merchant_quit", (row,))

    # Addressing

    def owner_of(self, account_id: int) -> int:
        return int(self.owner[self.world.row(account_id)])

    def send(self, target: int, kind: str, payload: tuple[Any, ...]) -> None:
        self.outbox.send(self.world.env.now, target, kind, payload)

    def _to_owner_of(self, account_id: int, kind: str, payload: tuple[Any, ...]) -> None:
        owner = self.owner_of(account_id)
        if owner != self.shard:
            self.send(owner, kind, payload)

    def to_all_others(self, kind: str, payload: tuple[Any, ...]) -> None:
        for target in range(self.shards):
            if target != self.shard:
                self.send(target, kind, payload)
