"""The push channel: a private message and a followed anchor's live start reach the mobile
sessions of the accounts concerned, one push per device, and nothing else."""

from microblog.models import Role, Tier
from microblog.platform import Microblog
from microblog.push_models import ClientKind, PushKind
from microblog.services.accounts import NewAccount
from tests.microblog.conftest import MakeBlog


def seeded(blog: Microblog, *clients: ClientKind) -> list[tuple[int, str]]:
    """One account per client kind given, each with a session on it: (id, token)."""
    news = [NewAccount(f"user{i}", client=c) for i, c in enumerate(clients)]
    return [(a.id, token) for a, token in blog.accounts.register_many(news)]


def kinds(blog: Microblog, token: str) -> list[PushKind]:
    return [p.kind for p in blog.push.outbox(token, None, 20).items]


def test_messages_and_live_starts_push_to_mobile_sessions_only(make_blog: MakeBlog) -> None:
    blog = make_blog(push={"provider_failure_rate": 0.0})
    (anchor, _), (phone, phone_token), (web, web_token) = seeded(
        blog, ClientKind.WEB, ClientKind.MOBILE, ClientKind.WEB
    )
    for fan in (phone, web):
        blog.graph.follow(fan, anchor)
        blog.graph.follow(anchor, fan)  # friends may chat
    blog.chat.send(anchor, "hi", to=phone)
    blog.chat.send(anchor, "hi", to=web)
    room = blog.live.start(anchor, "cooking")
    assert kinds(blog, phone_token) == [PushKind.LIVE_START, PushKind.MESSAGE]
    assert blog.push.outbox(phone_token, None, 20).items[0].payload["room_id"] == room.id
    assert kinds(blog, web_token) == []


def test_a_failing_provider_keeps_the_push_as_undelivered(make_blog: MakeBlog) -> None:
    blog = make_blog(push={"provider_failure_rate": 1.0})
    (ann, token), (bob, _) = seeded(blog, ClientKind.MOBILE, ClientKind.MOBILE)
    (sent,) = blog.push.notify(ann, PushKind.MENTION, {"post_id": 1, "by": bob})
    assert sent.delivered_at is None
    assert blog.push.outbox(token, None, 20).items[0].delivered_at is None


def test_a_fan_service_broadcast_pushes_to_its_mobile_subscribers_only(
    make_blog: MakeBlog,
) -> None:
    blog = make_blog(push={"provider_failure_rate": 0.0})
    ((star, _),) = blog.accounts.register_many([NewAccount("star", Role.INFLUENCER, Tier.BIG_V)])
    (phone, phone_token), (web, web_token) = seeded(blog, ClientKind.MOBILE, ClientKind.WEB)
    blog.fanservice.open(star.id)
    for fan in (phone, web):
        blog.graph.follow(fan, star.id)
        blog.fanservice.subscribe(star.id, fan)
    sent = blog.fanservice.broadcast(star.id, "tickets on sale")
    assert kinds(blog, phone_token) == [PushKind.FAN_SERVICE]
    assert blog.push.outbox(phone_token, None, 20).items[0].payload["broadcast_id"] == sent.id
    assert kinds(blog, web_token) == []
