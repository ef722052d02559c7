"""Fan services over HTTP (acceptance 1 of issue 22): a certified account opens one, two
followers subscribe, a broadcast lands in both service inboxes, a keyword gets its
auto-reply, and in developer mode a loopback app receives the message signed; bad input is
a 4xx naming the field."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from microblog.fanservice_signing import ReplayGuard, SignatureError, verify_signature
from tests.microblog.api.conftest import Headers, certify
from tests.microblog.callback_server import callback_server

SECRET = "secret-of-the-star-app"


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """The server's default store only: the HTTP layer is the same over every store, and
    tests/microblog/test_fanservice.py runs the service on each."""
    return str(request.param)


@pytest.fixture
def platform_config() -> dict[str, object]:
    """Callbacks inside the request, so the test reads what the app got right after, and
    to loopback apps, as on a developer's own machine."""
    fanservice = {"callback_workers": 0, "callback_backoff_s": 0, "allow_private_callbacks": True}
    return {"fanservice": fanservice}


def certified_star_with_fans(
    client: TestClient, signup: Callable[[str], Headers]
) -> tuple[int, Headers, list[Headers]]:
    star = signup("star")
    assert client.post("/certifications", json={"kind": "big_v"}, headers=star).status_code == 201
    certify(client, star)
    star_id = client.get("/me", headers=star).json()["id"]
    fans = [signup("fan_one"), signup("fan_two")]
    for fan in fans:
        assert client.put(f"/accounts/{star_id}/follow", headers=fan).status_code in (200, 204)
    return star_id, star, fans


def test_broadcast_reaches_both_subscribers_and_a_keyword_is_answered(
    client: TestClient, signup: Callable[[str], Headers]
) -> None:
    star_id, star, fans = certified_star_with_fans(client, signup)
    assert client.post("/fanservice", headers=fans[0]).status_code == 403  # not certified
    assert client.post("/fanservice", headers=star).status_code == 201
    for fan in fans:
        subscribed = client.put(f"/fanservice/{star_id}/subscription", headers=fan)
        assert subscribed.status_code == 200, subscribed.text
    assert subscribed.json()["subscribers"] == 2
    sent = client.post("/fanservice/broadcasts", json={"text": "Tour dates!"}, headers=star)
    assert sent.status_code == 202, sent.text
    for fan in fans:
        (entry,) = client.get("/fanservice/inbox", headers=fan).json()["items"]
        assert (entry["account_id"], entry["kind"], entry["text"]) == (
            star_id, "broadcast", "Tour dates!",
        )  # fmt: skip
    settings = {"auto_replies": [{"keyword": "ticket", "reply": "Tickets open Friday"}]}
    assert client.put("/fanservice/settings", json=settings, headers=star).status_code == 200
    answered = client.post(
        f"/fanservice/{star_id}/messages", json={"text": "a ticket please"}, headers=fans[0]
    )
    assert answered.json()["reply"]["text"] == "Tickets open Friday"
    stats = client.get("/fanservice/stats", headers=star).json()
    assert (stats["subscribers"], stats["broadcasts"], stats["deliveries"]) == (2, 1, 2)


def test_developer_mode_posts_a_signed_message_the_app_can_verify(
    client: TestClient, signup: Callable[[str], Headers]
) -> None:
    star_id, star, (fan, _) = certified_star_with_fans(client, signup)
    client.post("/fanservice", headers=star)
    client.put(f"/fanservice/{star_id}/subscription", headers=fan)
    with callback_server() as app:
        mode = {"callback_url": app.url, "secret": SECRET}
        assert client.put("/fanservice/developer", json=mode, headers=star).status_code == 200
        sent = client.post(f"/fanservice/{star_id}/messages", json={"text": "hi"}, headers=fan)
    assert sent.json() == {"reply": None, "forwarded": True}
    ((headers, body),) = app.requests
    verify_signature(SECRET, body, headers, ReplayGuard(300), now=time.time())
    with pytest.raises(SignatureError):
        verify_signature(SECRET, body.replace(b"hi", b"ho"), headers, ReplayGuard(300), time.time())
    answer = {"subscriber_id": json.loads(body)["subscriber_id"], "text": "hello from the app"}
    assert client.post("/fanservice/answers", json=answer, headers=star).status_code == 201
    (entry,) = client.get("/fanservice/inbox", headers=fan).json()["items"]
    assert entry["text"] == "hello from the app"
    assert client.get("/fanservice/dead-letters", headers=star).json()["items"] == []


def test_bad_input_is_a_4xx_naming_the_field(
    client: TestClient, signup: Callable[[str], Headers]
) -> None:
    star_id, star, (fan, _) = certified_star_with_fans(client, signup)
    assert client.put(f"/fanservice/{star_id}/subscription", headers=fan).status_code == 404
    client.post("/fanservice", headers=star)
    bad_segment = {"text": "x", "segment": {"field": "shoe_size", "value": "42"}}
    refused = client.post("/fanservice/broadcasts", json=bad_segment, headers=star)
    assert refused.status_code == 422 and "segment" in refused.text
    too_long = client.post("/fanservice/broadcasts", json={"text": "x" * 601}, headers=star)
    assert too_long.status_code == 422 and too_long.json()["field"] == "text"
    short_secret = {"callback_url": "http://127.0.0.1:9/cb", "secret": "short"}
    assert client.put("/fanservice/developer", json=short_secret, headers=star).status_code == 422
    assert client.get("/fanservice/99999", headers=star).status_code == 404


@pytest.mark.parametrize("platform_config", [{}], ids=["production default"])
def test_a_callback_to_a_loopback_address_is_refused_naming_the_field(
    client: TestClient, signup: Callable[[str], Headers]
) -> None:
    """By default (no allow_private_callbacks) the platform will not call into its own
    network: the URL is refused when it is bound, with a 422 naming callback_url."""
    _, star, _ = certified_star_with_fans(client, signup)
    client.post("/fanservice", headers=star)
    for url in ("http://127.0.0.1:8080/cb", "http://169.254.169.254/latest/meta-data"):
        mode = {"callback_url": url, "secret": SECRET}
        refused = client.put("/fanservice/developer", json=mode, headers=star)
        assert refused.status_code == 422
        assert refused.json()["field"] == "callback_url"
        assert "public addresses only" in refused.text
