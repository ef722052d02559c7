"""Fan services on every backend: certified accounts open them, followers subscribe, a
broadcast reaches each subscriber's inbox once (or a segment's), keywords and the menu
answer, and the account's statistics count what was delivered."""

import pytest

from microblog.errors import Conflict, Forbidden, NotFound
from microblog.fanservice_models import InboxKind, MenuItem, Segment, SegmentField
from microblog.models import Account, Profile, Role, Tier
from microblog.platform import Microblog
from microblog.services.accounts import NewAccount
from tests.microblog.conftest import MakeBlog, people


def star_and_fans(blog: Microblog, *fans: str) -> tuple[Account, list[Account]]:
    """A certified big V (seeded, as an operator would) followed by `fans`."""
    ((star, _),) = blog.accounts.register_many([NewAccount("star", Role.INFLUENCER, Tier.BIG_V)])
    followers = people(blog, *fans)
    for fan in followers:
        blog.graph.follow(fan.id, star.id)
    return star, followers


def inbox_texts(blog: Microblog, account_id: int) -> list[str]:
    return [e.text for e in blog.service_messages.inbox(account_id, None, 20).items]


def test_only_certified_accounts_open_a_service_and_only_once(blog: Microblog) -> None:
    (plain,) = people(blog, "plain")
    with pytest.raises(Forbidden, match="certified"):
        blog.fanservice.open(plain.id)
    star, _ = star_and_fans(blog)
    assert blog.fanservice.open(star.id).subscribers == 0
    with pytest.raises(Conflict):
        blog.fanservice.open(star.id)


def test_a_broadcast_reaches_every_subscriber_once_and_nobody_else(make_blog: MakeBlog) -> None:
    blog = make_blog(fanout_chunk=2)  # three subscribers: two chunks
    star, (ann, bob, cyd, dee) = star_and_fans(blog, "ann", "bob", "cyd", "dee")
    blog.fanservice.open(star.id)
    (stranger,) = people(blog, "stranger")
    with pytest.raises(Forbidden, match="follow"):
        blog.fanservice.subscribe(star.id, stranger.id)
    for fan in (ann, bob, cyd, dee):
        blog.fanservice.subscribe(star.id, fan.id)
    assert blog.fanservice.unsubscribe(star.id, dee.id).subscribers == 3
    sent = blog.fanservice.broadcast(star.id, "new album out")
    blog.fanservice.deliver(sent, lambda: True)  # delivered again: inboxes unchanged
    for fan in (ann, bob, cyd):
        assert inbox_texts(blog, fan.id) == ["new album out"]
    assert inbox_texts(blog, dee.id) == inbox_texts(blog, stranger.id) == []
    stats = blog.fanservice.stats(star.id)
    assert (stats.subscribers, stats.broadcasts, stats.deliveries, stats.pending) == (3, 1, 3, 0)
    assert stats.lag_p99_s is not None and stats.lag_p99_s >= 0


def test_a_segment_broadcast_reaches_only_matching_profiles(blog: Microblog) -> None:
    star, (north, south) = star_and_fans(blog, "north", "south")
    blog.accounts.update_profile(north.id, Profile(region="beijing", interests=["music"]))
    blog.accounts.update_profile(south.id, Profile(region="guangzhou"))
    blog.fanservice.open(star.id)
    for fan in (north, south):
        blog.fanservice.subscribe(star.id, fan.id)
    in_beijing = Segment(SegmentField.REGION, "beijing")
    blog.fanservice.broadcast(star.id, "concert in Beijing", in_beijing)
    blog.fanservice.broadcast(star.id, "for music fans", Segment(SegmentField.INTEREST, "music"))
    assert inbox_texts(blog, north.id) == ["for music fans", "concert in Beijing"]
    assert inbox_texts(blog, south.id) == []
    assert blog.fanservice.stats(star.id).deliveries == 2


def test_keywords_and_the_menu_answer_subscribers_only(blog: Microblog) -> None:
    star, (fan, other) = star_and_fans(blog, "fan", "other")
    blog.fanservice.open(star.id)
    blog.fanservice.subscribe(star.id, fan.id)
    menu = [MenuItem("tour", "Tour", "Dates at example.com/tour")]
    blog.fanservice.configure(star.id, {"ticket": "Tickets open Friday"}, menu)
    sent = blog.service_messages.send(fan.id, star.id, "Any TICKETS left?")
    assert sent.reply is not None and sent.reply.text == "Tickets open Friday"
    assert blog.service_messages.send(fan.id, star.id, "hello").reply is None
    assert blog.service_messages.tap(fan.id, star.id, "tour").text == "Dates at example.com/tour"
    with pytest.raises(NotFound):
        blog.service_messages.tap(fan.id, star.id, "merch")
    with pytest.raises(Forbidden, match="not subscribed"):
        blog.service_messages.send(other.id, star.id, "ticket?")
    kinds = {e.kind for e in blog.service_messages.inbox(fan.id, None, 20).items}
    assert kinds == {InboxKind.REPLY}
    assert inbox_texts(blog, other.id) == []
