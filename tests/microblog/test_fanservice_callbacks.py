"""Developer mode against a loopback app: a subscriber's message arrives signed and
verifiable, the app answers through the service, and a callback that keeps failing is
retried then dead-lettered where the account can read it."""

import json
import time

from microblog.config import PlatformConfig
from microblog.fanservice_signing import ReplayGuard, verify_signature
from microblog.platform import Microblog
from microblog.store.memory import MemoryStore
from tests.microblog.callback_server import callback_server
from tests.microblog.test_fanservice import inbox_texts, star_and_fans

SECRET = "s3cret-of-the-star-app"


def developer_blog(attempts: int = 3) -> Microblog:
    """Callbacks sent inside the call (no callback threads) and retried without waiting."""
    fanservice = {"callback_workers": 0, "callback_attempts": attempts, "callback_backoff_s": 0}
    config = PlatformConfig.model_validate({"fanservice": fanservice, "password_time_cost": 1})
    return Microblog(MemoryStore(), config)


def test_a_subscribers_message_reaches_the_app_signed_and_the_app_answers() -> None:
    blog = developer_blog()
    star, (fan,) = star_and_fans(blog, "fan")
    blog.fanservice.open(star.id)
    blog.fanservice.subscribe(star.id, fan.id)
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
    star, (fan,) = star_and_fans(blog, "fan")
    blog.fanservice.open(star.id)
    blog.fanservice.subscribe(star.id, fan.id)
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
