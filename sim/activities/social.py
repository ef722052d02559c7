"""The social core of a session: read the home feed, post, react, follow, use groups.

A session reads `1 + Poisson(timeline_pages_per_session − 1)` pages of its home feed (the
home timeline with ads in `economy.ads.load` of its slots; with load 0 it is the home
timeline), hands every item it saw to the feed readers (ads and commerce react to the ads
and product posts in it), then writes `Poisson(post rate)` posts (see `sim.propensity`),
and then, each with its `per_session` probability, reposts, comments on and likes organic
posts it saw from others (listeners in `reacted` hear of each, for friend endorsements),
follows someone new, unfollows someone, posts in one of its groups, reads one of its
groups and joins a group. `mention_share` of comments @-mention one of the commenter's
friends by account name (the service records the mention). Reacting to a friend's post
(mutual follow) marks a friend interaction, which lowers the friend's churn hazard.
Whatever a session cannot do (nothing from others on its timeline, no group to post in or
read, already following the account it picked, no longer following the one it would drop)
it skips without a request.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Generator
from functools import partial
from typing import Any, Protocol

import numpy as np

from microblog.ads_models import FeedItem
from microblog.errors import DomainError
from microblog.models import Post
from sim.activities.base import Call, Steps, succeeded
from sim.seeding import account_name
from sim.world import World


class FeedReader(Protocol):
    """Reacts, within the session, to what a user saw in their home feed."""

    def seen(self, row: int, items: list[FeedItem]) -> Steps:
        """The calls the user makes about the feed items seen (clicks, purchases...)."""
        ...


Reacted = Callable[[int, Post, str], None]
"""Told of every repost, comment and like that went through: (actor row, post, kind)."""

SocialPlan = tuple[int, int, bool, bool, bool, bool, bool, bool, bool, bool, bool]
"""Pages to read, posts to write, then whether to repost, comment, mention a friend in the
comment, like, follow, unfollow, post in a group, read a group and join a group."""


class Social:
    def __init__(self, world: World) -> None:
        self.world = world
        self.blog = world.blog
        behaviour = world.scenario.behaviour
        per_session = behaviour.per_session
        self.page_size = behaviour.page_size
        self.extra_pages = (behaviour.timeline_pages_per_session - 1.0) * (
            behaviour.clients.factors(world.population.mobile, "pages_factor")
        )
        """Mean extra pages of each account's sessions, by its client (session length)."""
        self.chances = np.array(
            [
                per_session.repost,
                per_session.comment,
                behaviour.mention_share,
                per_session.like,
                per_session.follow,
                per_session.unfollow,
                per_session.group_post,
                per_session.group_read,
                per_session.group_join,
            ]
        )
        self.max_followees = world.scenario.population.graph.max_followees
        self._serial = itertools.count(1)
        self.readers: list[FeedReader] = []
        self.reacted: list[Reacted] = []
        self.writer: Callable[[int], Steps] = self._plain_post
        """Writes one session post (the photos activity replaces it to attach photos)."""

    def plan(self, rows: np.ndarray) -> list[SocialPlan]:
        rng = self.world.rng
        pages = 1 + rng.poisson(self.extra_pages[rows])
        posts = rng.poisson(self.world.population.post_rate[rows])
        chosen = rng.random((rows.size, self.chances.size)) < self.chances
        return list(zip(pages.tolist(), posts.tolist(), *chosen.T.tolist(), strict=True))

    def steps(self, row: int, plan: SocialPlan) -> Steps:
        pages, posts, repost, comment, mention, like, *ties = plan
        actor = self.world.account(row)
        items = yield from self.read(actor, pages)
        for reader in self.readers:
            yield from reader.seen(row, items)
        seen = [item.post for item in items if item.ad is None]
        for _ in range(posts):
            yield from self.writer(actor)
        others = [post for post in seen if post.author_id != actor]
        draws = self.world.draws
        if repost and others:
            yield from self.react(actor, draws.pick(others), "repost")
        if comment and others:
            yield from self.react(actor, draws.pick(others), "comment", mention)
        if like and others:
            yield from self.react(actor, draws.pick(others), "like")
        yield from self.ties(row, actor, seen, *ties)

    def ties(self, row: int, actor: int, seen: list[Post], *chosen: bool) -> Steps:
        """Follow, unfollow, post in a group, read a group, join a group: those chosen."""
        follow, unfollow, group_post, group_read, group_join = chosen
        if follow:
            yield from self.follow(actor, seen)
        if unfollow:
            yield from self.unfollow(row, actor)
        if group_post:
            yield from self.group_post(row, actor)
        if group_read:
            yield from self.group_read(row, actor)
        if group_join:
            yield from self.group_join(row, actor)

    def read(self, actor: int, pages: int) -> Generator[Call, Any, list[FeedItem]]:
        """Page through the home feed; returns every item seen, ads included."""
        seen: list[FeedItem] = []
        cursor = None
        home = self.blog.feed.home
        for _ in range(pages):
            params = {"cursor": cursor, "limit": self.page_size}
            page = yield Call("timeline_read", partial(home, actor, cursor, self.page_size), params)
            if not succeeded(page):
                break
            seen += page.items
            cursor = page.next_cursor
            if cursor is None:
                break
        return seen

    def post(self, actor: int, photo_ids: tuple[int, ...] = ()) -> Call:
        text = self._text("post")
        action = partial(self.blog.posts.create, actor, text, photo_ids=photo_ids)
        params: dict[str, Any] = {"text": text, **({"photo_ids": photo_ids} if photo_ids else {})}
        return Call("post", action, params)

    def _plain_post(self, actor: int) -> Steps:
        yield self.post(actor)

    def react(self, actor: int, post: Post, kind: str, mention: bool = False) -> Steps:
        """Repost, comment on (`mention`ing a friend) or like a post; a friend's post counts
        as an interaction."""
        posts = self.blog.posts
        action: Callable[[], object]
        if kind == "repost":
            text = self._text("repost")
            action = partial(posts.create, actor, text, repost_of=post.id)
            params: dict[str, Any] = {"post_id": post.id, "text": text}
        elif kind == "comment":
            text, params = self._comment(actor, post, mention)
            action = partial(posts.comment, actor, post.id, text)
        else:
            action = partial(posts.like, actor, post.id)
            params = {"post_id": post.id}
        done = yield Call(kind, action, params)
        if not succeeded(done):
            return
        for listener in self.reacted:
            listener(self.world.row(actor), post, kind)
        if self.blog.graph.are_friends(actor, post.author_id):
            self.world.users.friend_interacted(self.world.row(post.author_id), self.world.day)

    def follow(self, actor: int, seen: list[Post]) -> Steps:
        target = self._follow_target(actor, seen)
        if target is None or target == actor or self.blog.graph.is_following(actor, target):
            return
        if self.blog.accounts.get(actor).followee_count >= self.max_followees:
            return
        yield Call("follow", partial(self.blog.graph.follow, actor, target), {"account_id": target})

    def unfollow(self, row: int, actor: int) -> Steps:
        """Drop one of the accounts followed when the population was drawn, if still followed."""
        followees = self.world.population.follows.row(row)
        if followees.size == 0:
            return
        target = self.world.account(int(followees[self.world.draws.index(followees.size)]))
        if not self.blog.graph.is_following(actor, target):
            return
        action = partial(self.blog.graph.unfollow, actor, target)
        yield Call("unfollow", action, {"account_id": target})

    def _follow_target(self, actor: int, seen: list[Post]) -> int | None:
        """The original author of a repost seen, else an account picked by its followers."""
        draws = self.world.draws
        reposts = [post.repost_of for post in seen if post.repost_of is not None]
        if reposts:
            try:
                return self.blog.posts.get(actor, draws.pick(reposts)).author_id
            except DomainError:
                pass
        follows = self.world.population.follows.indices
        return self.world.account(int(follows[draws.index(follows.size)])) if follows.size else None

    def group_post(self, row: int, actor: int) -> Steps:
        groups = self.world.memberships.groups_of(row)
        if not groups:
            return
        group_id = self.world.group_ids[self.world.draws.pick(groups)]
        text = self._text("group post")
        action = partial(self.blog.posts.create, actor, text, group_id=group_id)
        yield Call("group_post", action, {"group_id": group_id, "text": text})

    def group_read(self, row: int, actor: int) -> Steps:
        """Read the first page of posts of one of the user's groups."""
        groups = self.world.memberships.groups_of(row)
        if not groups:
            return
        group_id = self.world.group_ids[self.world.draws.pick(groups)]
        action = partial(self.blog.groups.feed, actor, group_id, None, self.page_size)
        yield Call("group_read", action, {"group_id": group_id, "limit": self.page_size})

    def group_join(self, row: int, actor: int) -> Steps:
        memberships = self.world.memberships
        candidates = memberships.group_of_member
        if candidates.size == 0:
            return
        group = int(candidates[self.world.draws.index(candidates.size)])
        if group in memberships.groups_of(row):
            return
        group_id = self.world.group_ids[group]
        joined = yield Call(
            "group_join", partial(self.blog.groups.join, actor, group_id), {"group_id": group_id}
        )
        if succeeded(joined):
            memberships.join(row, group)

    def _comment(self, actor: int, post: Post, mention: bool) -> tuple[str, dict[str, Any]]:
        """A comment's text and trace params; with `mention`, it names one of the
        commenter's friends as @name (none: no mention)."""
        text = self._text("comment")
        params: dict[str, Any] = {"post_id": post.id}
        friends = self.blog.graph.friends(actor) if mention else []
        if friends:
            friend = self.world.draws.pick(friends)
            text = f"{text} @{account_name(self.world.row(friend))}"
            params["mention_id"] = friend
        return text, {**params, "text": text}

    def _text(self, kind: str) -> str:
        return f"{kind} {next(self._serial)}"
