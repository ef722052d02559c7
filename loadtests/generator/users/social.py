"""The social part of a load-test session, as sim/activities/social.py does it.

A session reads `1 + Poisson(timeline_pages_per_session − 1)` pages of its home feed
(`timeline_read`, with ads at `economy.ads.load`), following `next_cursor` and stopping
when there is none; the session's feed readers see the posts and ads. It then writes
Poisson(`per_session.post`) posts (some with photos: photos.py) and, each with its
`per_session` probability, reposts, comments on (a `behaviour.mention_share` of comments
@-mention one of its friends) and likes an organic post by someone else it saw, follows an
account, unfollows one, reads one of its groups, posts in one and joins one (picked in
proportion to members). What it cannot do (nothing from others seen, no group, already a
member) it skips without a request.

Where the load test cannot know what the simulator knows, it does the nearest thing: it
follows a seeded account picked uniformly (the simulator prefers the original author of a
repost seen, else picks by followers); it unfollows the last account it followed in this
test (never a seeded friend, whose chat the delivery checks follow), and skips until it has
followed one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

import numpy as np

from loadtests.generator.users.api import (
    SeenAd,
    SeenPost,
    comment,
    follow,
    group_join,
    group_post,
    group_read,
    like,
    repost,
    timeline_read,
    unfollow,
)
from loadtests.records.seeded import ring_friends

if TYPE_CHECKING:
    from loadtests.generator.users.session import SessionUser

T = TypeVar("T")


class Social:
    """The social part of one user's sessions (see module docstring)."""

    def __init__(self, user: SessionUser) -> None:
        self.user = user
        behaviour = user.scenario.behaviour
        chances = behaviour.per_session
        self.chances = np.array([
            chances.repost, chances.comment, chances.like, chances.follow, chances.unfollow,
            chances.group_read, chances.group_post, chances.group_join,
        ])  # fmt: skip
        population = user.population
        neighbours = user.scenario.loadtest.friend_neighbours
        self.friends = ring_friends(population.ordinary, user.account, neighbours)
        me = user.account_id
        self.not_to_follow = {me} | {population.ids[friend] for friend in self.friends}
        seeded = sorted(g for g, members in population.groups.items() if me in members)
        self.groups = seeded + user.kept.joined
        self.memberships = [g for g, members in population.groups.items() for _ in members]
        self.followed = user.kept.followed

    def read_feed(self) -> tuple[list[SeenPost], list[SeenAd]]:
        """Page through the home feed; the organic posts and the ads seen."""
        user, behaviour = self.user, self.user.scenario.behaviour
        pages = 1 + int(user.rng.poisson(behaviour.timeline_pages_per_session - 1))
        posts: list[SeenPost] = []
        ads: list[SeenAd] = []
        cursor: str | None = None
        for _ in range(pages):
            user.think()
            page = timeline_read(user.client, user.headers, behaviour.page_size, cursor)
            if page is None:
                break
            posts += page.posts
            ads += page.ads
            cursor = page.next_cursor
            if cursor is None:
                break
        return posts, ads

    def act(self, seen: list[SeenPost]) -> None:
        """Posts, reactions, follows and groups, after the feed (see module docstring)."""
        user = self.user
        for _ in range(int(user.rng.poisson(user.scenario.behaviour.per_session.post))):
            user.photos.post()
        drawn = (user.rng.random(self.chances.size) < self.chances).tolist()
        reposts, comments, likes, follows, unfollows, reads, group_posts, joins = drawn
        others = [post for post in seen if post.author_id != user.account_id]
        if others:
            self._react(others, reposts, comments, likes)
        if follows:
            self._follow()
        if unfollows and self.followed:
            user.think()
            unfollow(user.client, user.headers, self.followed.pop())
        if self.groups:
            self._use_groups(reads, group_posts)
        if joins:
            self._join()

    def _react(self, others: list[SeenPost], reposts: bool, comments: bool, likes: bool) -> None:
        user = self.user
        if reposts:
            user.think()
            repost(user.client, user.headers, self._pick(others).id, user.text("repost"))
        if comments:
            user.think()
            comment(user.client, user.headers, self._pick(others).id, self._comment_text())
        if likes:
            user.think()
            like(user.client, user.headers, self._pick(others).id)

    def _comment_text(self) -> str:
        user = self.user
        text = user.text("comment")
        if self.friends and user.rng.random() < user.scenario.behaviour.mention_share:
            text += f" @{user.population.names[self._pick(self.friends)]}"
        return text

    def _follow(self) -> None:
        user = self.user
        target = user.population.ids[int(user.rng.integers(len(user.population.ids)))]
        if target in self.not_to_follow:
            return
        user.think()
        if follow(user.client, user.headers, target):
            self.followed.append(target)

    def _use_groups(self, reads: bool, posts: bool) -> None:
        user, page_size = self.user, self.user.scenario.behaviour.page_size
        if reads:
            user.think()
            group_read(user.client, user.headers, self._pick(self.groups), page_size)
        if posts:
            user.think()
            group_post(user.client, user.headers, self._pick(self.groups), user.text("group post"))

    def _join(self) -> None:
        if not self.memberships:
            return
        group = self._pick(self.memberships)
        if group in self.groups:
            return
        self.user.think()
        group_join(self.user.client, self.user.headers, group)
        self.groups.append(group)
        self.user.kept.joined.append(group)

    def _pick(self, choices: list[T]) -> T:
        return choices[int(self.user.rng.integers(len(choices)))]
