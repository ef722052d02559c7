"""Developer mode against a loopback app: a subscriber's message arrives signed and
verifiable, the app answers through the service, and a callback that keeps failing is
retried then dead-lettered where the account can read it."""

import ipaddress
import json
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import pytest

from microblog.callback_address import forbidden_kind
from microblog.config import PlatformConfig
from microblog.errors import Invalid
from microblog.fanservice_signing import ReplayGuard, verify_signature
from microblog.models import Account
from microblog.platform import Microblog
from microblog.store.memory import MemoryStore
from tests.microblog.callback_server import callback_server
from tests.microblog.test_fanservice import inbox_texts, star_and_fans

SECRET = "s3cret-of-the-star-app"


def developer_blog(attempts: int = 3, allow_private: bool = True) -> Microblog:
    """Callbacks sent inside the call (no callback threads) and retried without waiting,
    to the loopback apps of these tests unless told otherwise."""
    fanservice = {
        "callback_workers": 0, "callback_attempts": attempts, "callback_backoff_s": 0,
        "allow_private_callbacks": allow_private,
    }  # fmt: skip
    config = PlatformConfig.model_validate({"fanservice": fanservice, "password_time_cost": 1})
    return Microblog(MemoryStore(), config)


def service_with_a_subscriber(blog: Microblog) -> tuple[Account, Account]:
    """A certified star with an open fan service, and one follower subscribed to it."""
    star, (fan,) = star_and_fans(blog, "fan")
    blog.fanservice.open(star.id)
    blog.fanservice.subscribe(star.id, fan.id)
    return star, fan


def test_a_subscribers_message_reaches_the_app_signed_and_the_app_answers() -> None:
    blog = developer_blog()
    star, fan = service_with_a_subscriber(blog)
    blog.fanservice.configure(star.id, {"hello": "not used in developer mode"}, [])
    with callback_server() as app:
        blog.fanservice.bind_callback(star.id, app.url, SECRET)
        sent = blog.service_messages.send(fan.id, star.id, "hello, when is the tour?")
    assert (sent.reply, sent.forwarded) == (None, True)
    ((headers, body),) = app.requests
    verify_signature(SECRET, body, headers, ReplayGuard(300), now=time.time())
    message = json.loads(body)
    assert (message["subscriber_id"], message["text"]) == (fan.id, "hello, when is the tour?")
    blog.service_messages.answer(star.id, message["subscriber_id"], "In May!")
    assert inbox_texts(blog, fan.id) == ["In May!"]
    blog.close()


def test_a_failing_callback_is_retried_then_dead_lettered() -> None:
    blog = developer_blog(attempts=3)
    star, fan = service_with_a_subscriber(blog)
    with callback_server(status=503) as app:
        blog.fanservice.bind_callback(star.id, app.url, SECRET)
        blog.service_messages.send(fan.id, star.id, "are you there?")
    assert len(app.requests) == 3
    nonces = {headers["x-fanout-nonce"] for headers, _ in app.requests}
    assert len(nonces) == 3, "every attempt is signed anew"
    (dead,) = blog.service_messages.dead_letters(star.id, None, 20).items
    assert (dead.subscriber_id, dead.text, dead.attempts) == (fan.id, "are you there?", 3)
    assert "503" in dead.error
    assert blog.fanservice.stats(star.id).dead_letters == 1
    blog.close()


APP_HOST = "app.example"


def resolving(monkeypatch: pytest.MonkeyPatch, answers: list[str]) -> None:
    """Make APP_HOST resolve to the next of `answers` at each lookup (a name server that
    changes its answer between two lookups, as in DNS rebinding); other hosts as ever."""
    remaining, real = iter(answers), socket.getaddrinfo

    def getaddrinfo(host: str, port: int | None, *args: Any, **kwargs: Any) -> Any:
        if host != APP_HOST:
            return real(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(remaining), port or 0))]

    monkeypatch.setattr("microblog.callback_address.socket.getaddrinfo", getaddrinfo)


def test_a_name_that_turns_private_after_binding_is_refused_when_sending(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DNS rebinding: public when bound, loopback when sent. Nothing reaches the loopback
    app, and the message is dead-lettered at once naming the address (not retried)."""
    blog = developer_blog(attempts=3, allow_private=False)
    star, fan = service_with_a_subscriber(blog)
    with callback_server() as app:
        port = urlsplit(app.url).port
        resolving(monkeypatch, ["93.184.216.34", "127.0.0.1"])
        blog.fanservice.bind_callback(star.id, f"http://{APP_HOST}:{port}/cb", SECRET)
        blog.service_messages.send(fan.id, star.id, "hello")
    assert app.requests == []
    (dead,) = blog.service_messages.dead_letters(star.id, None, 20).items
    assert dead.attempts == 1 and "127.0.0.1, a loopback address" in dead.error
    blog.close()


def test_a_callback_goes_to_the_address_checked_with_the_host_it_was_meant_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The request connects to the checked address, not to a second lookup's answer, and
    still names the bound host in its Host header."""
    blog = developer_blog()
    star, fan = service_with_a_subscriber(blog)
    with callback_server() as app:
        port = urlsplit(app.url).port
        resolving(monkeypatch, ["127.0.0.1", "127.0.0.1"])
        blog.fanservice.bind_callback(star.id, f"http://{APP_HOST}:{port}/cb", SECRET)
        blog.service_messages.send(fan.id, star.id, "hello")
    ((headers, _),) = app.requests
    assert headers["host"] == f"{APP_HOST}:{port}"
    blog.close()


def test_binding_a_private_callback_is_refused_unless_allowed() -> None:
    refusing, allowing = developer_blog(allow_private=False), developer_blog()
    for blog in (refusing, allowing):
        star, _ = star_and_fans(blog, "fan")
        blog.fanservice.open(star.id)
    with pytest.raises(Invalid, match="loopback") as refused:
        refusing.fanservice.bind_callback(star.id, "http://localhost:9/cb", SECRET)
    assert refused.value.field == "callback_url"
    bound = allowing.fanservice.bind_callback(star.id, "http://localhost:9/cb", SECRET)
    assert bound.callback_url == "http://localhost:9/cb"
    for blog in (refusing, allowing):
        blog.close()


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("8.8.8.8", None),
        ("2001:4860:4860::8888", None),
        ("127.0.0.2", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fd00::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:192.168.0.1", "private"),
    ],
)
def test_which_addresses_callbacks_may_not_reach(address: str, kind: str | None) -> None:
    assert forbidden_kind(ipaddress.ip_address(address)) == kind
