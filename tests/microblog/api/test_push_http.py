"""Client kinds and push over HTTP: a login names its client (web by default), and only
mobile sessions get push notifications, read from `GET /me/push`."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.microblog.api.conftest import Headers


@pytest.fixture
def backend() -> str:
    """One backend: the service tests cover the others."""
    return "sqlite"


@pytest.fixture
def platform_config() -> dict[str, object]:
    return {"push": {"provider_failure_rate": 0.0}}


def login(http: TestClient, name: str, kind: str | None = None) -> tuple[int, Headers]:
    """Log in as `name` on client `kind` (none named: the default)."""
    body = {"name": name, "password": "password1"} | ({"client": kind} if kind else {})
    token = http.post("/auth/token", json=body).json()
    return token["account_id"], {"Authorization": f"Bearer {token['access_token']}"}


def test_a_mobile_login_gets_a_push_for_a_mention_and_a_web_login_does_not(
    client: TestClient,
) -> None:
    """Acceptance 3: ann is logged in on her phone and in a browser; bob mentions her."""
    for name in ("ann", "bob"):
        client.post("/accounts", json={"name": name, "password": "password1"})
    _, phone = login(client, "ann", "mobile")
    _, browser = login(client, "ann")
    bob_id, bob = login(client, "bob", "web")
    post = client.post("/posts", json={"text": "lunch, @ann?"}, headers=bob).json()
    (push,) = client.get("/me/push", headers=phone).json()["items"]
    assert (push["kind"], push["payload"]) == ("mention", {"post_id": post["id"], "by": bob_id})
    assert push["delivered_at"] >= push["created_at"]
    assert client.get("/me/push", headers=browser).json()["items"] == []
    assert client.get("/me/push", headers=bob).json()["items"] == []


def test_a_login_names_its_client_or_is_web(client: TestClient) -> None:
    client.post("/accounts", json={"name": "ann", "password": "password1"})
    body = {"name": "ann", "password": "password1"}
    assert client.post("/auth/token", json=body).json()["client"] == "web"
    assert client.post("/auth/token", json=body | {"client": "app"}).json()["client"] == "app"
    bad = client.post("/auth/token", json=body | {"client": "tv"})
    assert bad.status_code == 422 and "client" in bad.text
