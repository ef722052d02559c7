"""Live broadcast on every backend: rooms, the tilted live list, viewers, comments pushed
exactly once to each viewer connected at the time (also under concurrency), and gifts that
move coins through the ledger once per idempotency key."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from microblog.errors import Conflict, Forbidden, InsufficientFunds, Invalid
from microblog.live_models import LiveComment, LiveGift, RoomEnded, ViewerCount
from microblog.models import Role, Tier
from microblog.money_models import LedgerKind
from microblog.platform import Microblog
from microblog.services.accounts import NewAccount
from microblog.services.live_rooms import LiveInbox
from tests.microblog.conftest import people
from tests.microblog.money_helpers import fund, key, ledger_balance


def comments(inbox: LiveInbox) -> list[int]:
    return [e.id for e in inbox.events if isinstance(e, LiveComment)]


def test_starting_a_room_tells_followers_and_only_one_room_per_anchor(blog: Microblog) -> None:
    anchor, fan = people(blog, "anchor", "fan")
    blog.graph.follow(fan.id, anchor.id)
    room = blog.live.start(anchor.id, "evening show", "rtmp://example/stream")
    (told,) = blog.timelines.home(fan.id).items
    assert told.id == room.announcement_id and "evening show" in told.text
    with pytest.raises(Conflict):
        blog.live.start(anchor.id, "again")
    with pytest.raises(Forbidden):
        blog.live.end(fan.id, room.id)
    assert blog.live.end(anchor.id, room.id).ended_at is not None
    assert blog.live.ranked() == []
    assert blog.live.start(anchor.id, "next day").id != room.id


def test_the_live_list_tilts_towards_verified_anchors(blog: Microblog) -> None:
    made = blog.accounts.register_many(
        [NewAccount("plain"), NewAccount("bigv", Role.INFLUENCER, Tier.BIG_V)]
    )
    plain, big = (account for account, _ in made)
    viewers = people(blog, *(f"viewer{i}" for i in range(5)))
    plain_room, big_room = blog.live.start(plain.id, "plain"), blog.live.start(big.id, "big")
    for viewer in viewers[:3]:
        blog.live.join(viewer.id, plain_room.id, LiveInbox())
    blog.live.join(viewers[3].id, big_room.id, LiveInbox())
    # 3 viewers against 1 x the big-V boost of 4
    assert [r.id for r in blog.live.ranked()] == [big_room.id, plain_room.id]
    assert blog.live.room(plain_room.id).peak_viewers == 3


def test_a_comment_reaches_each_connected_viewer_once(blog: Microblog) -> None:
    anchor, ann, bob, late = people(blog, "anchor", "ann", "bob", "late")
    room = blog.live.start(anchor.id, "show")
    ann_inbox, bob_inbox = LiveInbox(), LiveInbox()
    blog.live.join(ann.id, room.id, ann_inbox)
    blog.live.join(bob.id, room.id, bob_inbox)
    said = blog.live.comment(ann.id, room.id, "hello")
    late_inbox = LiveInbox()
    blog.live.join(late.id, room.id, late_inbox)
    assert comments(ann_inbox) == comments(bob_inbox) == [said.id]
    assert comments(late_inbox) == []
    counts = [e.viewers for e in bob_inbox.events if isinstance(e, ViewerCount)]
    assert counts == [3]  # bob joined at 2 (in the room returned), then late joined
    blog.live.leave(room.id, bob_inbox)
    blog.live.comment(ann.id, room.id, "after bob left")
    assert comments(bob_inbox) == [said.id] and len(comments(ann_inbox)) == 2
    blog.live.end(anchor.id, room.id)
    assert isinstance(ann_inbox.events[-1], RoomEnded)
    with pytest.raises(Conflict):
        blog.live.comment(ann.id, room.id, "too late")
    for bad in ("", "x" * 141):
        with pytest.raises(Invalid):
            blog.live.comment(ann.id, room.id, bad)


def test_concurrent_comments_each_reach_every_viewer_exactly_once(blog: Microblog) -> None:
    anchor, *viewers = people(blog, "anchor", *(f"viewer{i}" for i in range(6)))
    room = blog.live.start(anchor.id, "busy")
    inboxes = [LiveInbox() for _ in viewers]
    for viewer, inbox in zip(viewers, inboxes, strict=True):
        blog.live.join(viewer.id, room.id, inbox)
    with ThreadPoolExecutor(6) as pool:
        sent = list(
            pool.map(lambda i: blog.live.comment(viewers[i % 6].id, room.id, f"c{i}"), range(60))
        )
    expected = sorted(c.id for c in sent)
    for inbox in inboxes:
        assert sorted(comments(inbox)) == expected  # none lost, none twice


def test_a_gift_pays_the_anchor_and_the_platform_once(blog: Microblog) -> None:
    anchor, fan = people(blog, "anchor", "fan")
    fund(blog, fan.id, 1000)
    room = blog.live.start(anchor.id, "show")
    watching = LiveInbox()
    blog.live.join(fan.id, room.id, watching)
    once = key()
    gift = blog.live.gift(fan.id, room.id, 500, idempotency_key=once)
    assert blog.live.gift(fan.id, room.id, 500, idempotency_key=once) == gift
    share = blog.config.live.platform_share
    assert (gift.anchor_fen, gift.platform_fen) == (500 - int(500 * share), int(500 * share))
    assert blog.payments.balance(fan.id) == 500
    assert blog.payments.balance(anchor.id) == gift.anchor_fen
    assert ledger_balance(blog, LedgerKind.PLATFORM) == gift.platform_fen
    assert [e for e in watching.events if isinstance(e, LiveGift)] == [gift]
    assert blog.live.earnings(anchor.id).items == [gift]
    assert blog.live.room(room.id).gift_fen == 500
    with pytest.raises(InsufficientFunds):
        blog.live.gift(fan.id, room.id, 501, idempotency_key=key())
    with pytest.raises(Invalid):
        blog.live.gift(anchor.id, room.id, 1, idempotency_key=key())
    assert blog.ledger.audit().balanced
