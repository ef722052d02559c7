"""Replayed social actions: the feed and its ads, posts and reactions, follows, groups,
and a phone's read of its pushes.

Each handler sends one traced action as the actor's account (loadtests.generator.users.replay
has the table) and returns why it did not, or None when it did. The server's graph is the
seeded one, not the simulator's: a follow of an account already followed there, or an
unfollow of one not followed, would be refused, so the replay keeps track of the follows it
knows of (the seeded friends ring and its own follows) and unfollows one of those when the
traced one is not followed on the server.
"""

from __future__ import annotations

from collections.abc import Callable

from locust.contrib.fasthttp import FastHttpSession

from loadtests.generator.users import api, replay_media
from loadtests.generator.users.replay_turn import Handler, Turn

ImpressionCall = Callable[[FastHttpSession, api.Headers, int], None]

POST_TEXT = "replayed post"
NO_POST = "no post replayed yet to react to"
SAME_ACCOUNT = "the two accounts fold onto one seeded account"


def timeline_read(turn: Turn) -> str | None:
    """A first page, or the page after the account's last one when the trace read on."""
    seen = turn.seen
    cursor = None
    if turn.params.get("cursor") is not None:
        if seen.next_cursor is None:
            return "the server's feed has no further page"
        cursor = seen.next_cursor
    limit = int(turn.params.get("limit") or turn.user.scenario.behaviour.page_size)
    page = api.timeline_read(turn.user.client, turn.headers, limit, cursor)
    if page is not None:
        seen.ads = ([] if cursor is None else seen.ads) + page.ads
        seen.next_cursor = page.next_cursor
    return None


def post(turn: Turn) -> str | None:
    """A post, carrying the account's unposted photos when the traced one had photos."""
    text = turn.text(POST_TEXT)
    if turn.params.get("photo_ids"):
        created = replay_media.post_with_photos(turn, text)
    else:
        created = api.publish(turn.user.client, turn.headers, text)
    if created is not None:
        turn.world.cast.posted(turn.params.get("post"), created)
    return None


def repost(turn: Turn) -> str | None:
    target = _target(turn)
    if target is None:
        return NO_POST
    created = api.repost(turn.user.client, turn.headers, target, turn.text("replayed repost"))
    if created is not None:
        turn.world.cast.posted(turn.params.get("post"), created)
    return None


def comment(turn: Turn) -> str | None:
    target = _target(turn)
    if target is None:
        return NO_POST
    api.comment(turn.user.client, turn.headers, target, turn.text("replayed comment"))
    return None


def like(turn: Turn) -> str | None:
    target = _target(turn)
    if target is None:
        return NO_POST
    api.like(turn.user.client, turn.headers, target)
    return None


def _target(turn: Turn) -> int | None:
    """The post a reaction targets: a group post only for the group's members."""
    groups = {group for group, ids in turn.world.members.items() if turn.account_id in ids}
    return turn.world.cast.post(turn.params.get("post_id"), groups)


def follow(turn: Turn) -> str | None:
    target = turn.world.account_id(turn.params.get("account_id"))
    if target is None:
        return "params lack account_id"
    if target == turn.account_id:
        return SAME_ACCOUNT
    if turn.world.follows.known(turn.index, target):
        return "already followed on the server"
    api.follow(turn.user.client, turn.headers, target)
    turn.world.follows.add(turn.index, target)
    return None


def unfollow(turn: Turn) -> str | None:
    """The traced account if followed on the server, else a followed friend."""
    follows = turn.world.follows
    target = turn.world.account_id(turn.params.get("account_id"))
    if target is None or not follows.known(turn.index, target):
        target = follows.any_of(turn.index)
    if target is None:
        return "the account follows no one the replay knows of"
    api.unfollow(turn.user.client, turn.headers, target)
    follows.drop(turn.index, target)
    return None


def group_post(turn: Turn) -> str | None:
    group = turn.world.groups_of(turn.account_id, turn.params.get("group_id"))
    if group is None:
        return "the account is in no seeded group"
    text = turn.text("replayed group post")
    created = api.group_post(turn.user.client, turn.headers, group, text)
    if created is not None:
        turn.world.cast.posted(turn.params.get("post"), created, group)
    return None


def group_read(turn: Turn) -> str | None:
    group = turn.world.groups_of(turn.account_id, turn.params.get("group_id"))
    if group is None:
        return "the account is in no seeded group"
    limit = int(turn.params.get("limit") or turn.user.scenario.behaviour.page_size)
    api.group_read(turn.user.client, turn.headers, group, limit)
    return None


def push_read(turn: Turn) -> str | None:
    """The actor's seeded session reads its pushes (a seeded account on the web has none
    to read, but the request is the traced one)."""
    limit = int(turn.params.get("limit") or turn.user.scenario.behaviour.page_size)
    api.push_read(turn.user.client, turn.headers, limit)
    return None


def group_join(turn: Turn) -> str | None:
    group = turn.world.group_to_join(turn.account_id, turn.params.get("group_id"))
    if group is None:
        return "the account is already in every seeded group"
    api.group_join(turn.user.client, turn.headers, group)
    turn.world.members[group].add(turn.account_id)
    return None


def ad_click(turn: Turn) -> str | None:
    return _ad(turn, api.ad_click)


def ad_hide(turn: Turn) -> str | None:
    return _ad(turn, api.ad_hide)


def _ad(turn: Turn, send: ImpressionCall) -> str | None:
    """Click or hide the next ad the account was shown in its last feed read."""
    if not turn.seen.ads:
        return "the account was shown no ad in its last feed read"
    send(turn.user.client, turn.headers, turn.seen.ads.pop(0).impression_id)
    return None


HANDLERS: dict[str, Handler] = {
    "timeline_read": timeline_read, "post": post, "repost": repost, "comment": comment,
    "like": like, "follow": follow, "unfollow": unfollow, "group_post": group_post,
    "group_read": group_read, "group_join": group_join, "ad_click": ad_click,
    "ad_hide": ad_hide, "push_read": push_read,
}  # fmt: skip
