"""Published rate limits over HTTP: 429 with Retry-After and RateLimit headers, and
`account/rate_limit_status` counting down."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.microblog.api.conftest import OPERATOR, Headers
from tests.microblog.api.oauth_flow import authorize, bearer, register_app


@pytest.fixture
def platform_config() -> dict[str, object]:
    """The published limits, switched on (as `fanout serve` does)."""
    return {"rate_limits": {"enabled": True}}


def test_the_31st_post_in_an_hour_is_refused_with_retry_after(
    client: TestClient, signup: Callable[[str], Headers]
) -> None:
    alice = signup("alice")
    for i in range(30):
        posted = client.post("/posts", json={"text": f"post {i}"}, headers=alice)
        assert posted.status_code == 201, posted.text
    assert posted.headers["RateLimit-Remaining"] == "0"
    refused = client.post("/posts", json={"text": "one too many"}, headers=alice)
    assert refused.status_code == 429 and refused.json()["field"] == "post"
    retry_after = int(refused.headers["Retry-After"])
    assert 0 < retry_after <= 3600
    assert refused.headers["RateLimit-Limit"] == "30"
    assert refused.headers["RateLimit-Remaining"] == "0"
    comment = client.post(
        f"/posts/{posted.json()['id']}/comments", json={"text": "still ok"}, headers=alice
    )
    assert comment.status_code == 201, "another action's limit is its own"


def test_rate_limit_status_counts_down_and_is_not_counted(
    client: TestClient, signup: Callable[[str], Headers]
) -> None:
    bob = signup("bob")
    first = client.get("/account/rate_limit_status", headers=bob).json()
    assert (first["user_limit"], first["ip_limit"], first["limit_time_unit"]) == (
        150,
        10_000,
        "HOURS",
    )
    client.get("/timeline/home", headers=bob)
    client.post("/posts", json={"text": "hi"}, headers=bob)
    after = client.get("/account/rate_limit_status", headers=bob).json()
    assert after["remaining_user_hits"] == first["remaining_user_hits"] - 2
    assert after["remaining_ip_hits"] == first["remaining_ip_hits"] - 2
    assert after["actions"]["post"] == {
        "limit": 30,
        "remaining_hits": 29,
        "reset_time_in_seconds": after["actions"]["post"]["reset_time_in_seconds"],
    }
    assert after["actions"]["follow_daily"]["limit"] == 200
    assert 0 < after["reset_time_in_seconds"] <= 3600 and after["reset_time"].endswith("+00:00")
    anonymous = client.get("/account/rate_limit_status")
    assert anonymous.status_code == 401


@pytest.mark.parametrize("platform_config", [{"rate_limits": {"enabled": True, "ip_per_hour": 3}}])
def test_the_ip_limit_counts_every_caller_of_the_address(
    client: TestClient, signup: Callable[[str], Headers]
) -> None:
    client.post("/accounts", json={"name": "carol", "password": "password1"})
    client.post("/auth/token", json={"name": "carol", "password": "password1"})
    client.get("/accounts/1")
    refused = client.get("/accounts/1")
    assert refused.status_code == 429 and refused.json()["field"] == "ip"
    assert int(refused.headers["Retry-After"]) > 0


@pytest.mark.parametrize(
    "platform_config",
    [{"rate_limits": {"enabled": True, "actions": {"follow": {"per_hour": 60, "per_day": 2}}}}],
)
def test_follows_meet_their_daily_limit(
    client: TestClient, signup: Callable[[str], Headers]
) -> None:
    dan = signup("dan")
    others = [signup(f"user{i}") for i in range(3)]
    ids = [client.get("/me", headers=h).json()["id"] for h in others]
    assert [client.put(f"/accounts/{i}/follow", headers=dan).status_code for i in ids] == [
        204,
        204,
        429,
    ]


@pytest.mark.parametrize("platform_config", [{"rate_limits": {"enabled": False}}])
def test_switched_off_no_call_is_counted(
    client: TestClient, signup: Callable[[str], Headers]
) -> None:
    erin = signup("erin")
    for i in range(31):
        posted = client.post("/posts", json={"text": f"post {i}"}, headers=erin)
        assert posted.status_code == 201
    assert "RateLimit-Remaining" not in posted.headers


def test_an_apps_calls_count_per_user_at_its_tier(
    client: TestClient, signup: Callable[[str], Headers]
) -> None:
    dev, alice = signup("dev"), signup("alice")
    app = register_app(client, dev)
    as_app = bearer(authorize(client, app, alice, "read")["access_token"])
    status = client.get("/account/rate_limit_status", headers=as_app).json()
    assert (status["user_limit"], status["remaining_user_hits"]) == (150, 150)
    before = client.get("/account/rate_limit_status", headers=alice).json()
    client.get("/timeline/home", headers=as_app)
    after = client.get("/account/rate_limit_status", headers=alice).json()
    assert after["remaining_user_hits"] == before["remaining_user_hits"], "apps count apart"
    operator = {"Authorization": f"Bearer {OPERATOR}"}
    client.put(f"/admin/apps/{app.client_id}/tier", json={"tier": "advanced"}, headers=operator)
    client.get("/timeline/home", headers=as_app)
    status = client.get("/account/rate_limit_status", headers=as_app).json()
    assert (status["user_limit"], status["remaining_user_hits"]) == (450, 449), (
        "a new level counts afresh from the change"
    )


def test_an_operator_holds_one_app_to_its_own_limit(
    client: TestClient, signup: Callable[[str], Headers]
) -> None:
    dev, alice = signup("dev"), signup("alice")
    app = register_app(client, dev)
    as_app = bearer(authorize(client, app, alice, "read")["access_token"])
    operator = {"Authorization": f"Bearer {OPERATOR}"}
    limits = f"/admin/apps/{app.client_id}/limits"
    assert client.get(limits, headers=operator).json()["user_per_hour"] == 150
    set_to = client.put(limits, json={"user_per_hour": 2}, headers=operator).json()
    assert (set_to["user_per_hour"], set_to["tier_user_per_hour"]) == (2, 150)
    status = client.get("/account/rate_limit_status", headers=as_app).json()
    assert (status["user_limit"], status["remaining_user_hits"]) == (2, 2)
    answers = [client.get("/timeline/home", headers=as_app).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    assert client.get("/timeline/home", headers=alice).status_code == 200, "the app's alone"
    assert client.put(limits, json={"user_per_hour": 0}, headers=operator).status_code == 422
    assert client.put(limits, json={"user_per_hour": 2}, headers=dev).status_code == 401
    client.put(limits, json={"user_per_hour": None}, headers=operator)
    assert client.get("/timeline/home", headers=as_app).status_code == 200, "back to its tier"
