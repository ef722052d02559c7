"""Third-party apps over OAuth 2.0: consent with PKCE, scoped tokens, refresh, revocation,
client credentials, and users withdrawing their grants."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlencode, urlsplit

from fastapi.testclient import TestClient

from tests.microblog.api.conftest import OPERATOR, Headers
from tests.microblog.api.oauth_flow import (
    REDIRECT,
    authorize,
    bearer,
    pkce_pair,
    redeem,
    register_app,
)

Signup = Callable[[str], Headers]


def test_an_app_reads_the_home_timeline_and_posts_for_the_user(
    client: TestClient, signup: Signup
) -> None:
    dev, alice, bob = signup("dev"), signup("alice"), signup("bob")
    bob_id = client.get("/me", headers=bob).json()["id"]
    client.put(f"/accounts/{bob_id}/follow", headers=alice)
    client.post("/posts", json={"text": "hello from bob"}, headers=bob)
    app = register_app(client, dev)
    token = authorize(client, app, alice, "read post")
    assert token["token_type"] == "Bearer" and token["scope"] == "read post"
    as_app = bearer(token["access_token"])
    home = client.get("/timeline/home", headers=as_app).json()["items"]
    assert [p["text"] for p in home] == ["hello from bob"]
    posted = client.post("/posts", json={"text": "via the app"}, headers=as_app)
    assert (
        posted.status_code == 201
        and posted.json()["author_id"] == client.get("/me", headers=alice).json()["id"]
    )


def test_a_token_without_the_post_scope_cannot_post(client: TestClient, signup: Signup) -> None:
    dev, alice = signup("dev"), signup("alice")
    app = register_app(client, dev)
    reader = bearer(authorize(client, app, alice, "read")["access_token"])
    refused = client.post("/posts", json={"text": "nope"}, headers=reader)
    assert refused.status_code == 403 and refused.json()["field"] == "scope"
    assert client.get("/chat/unread", headers=reader).status_code == 403
    assert client.post("/apps", json={}, headers=reader).status_code == 403
    assert client.get("/timeline/home", headers=reader).status_code == 200


def test_an_app_cannot_ask_for_scopes_it_did_not_register(
    client: TestClient, signup: Signup
) -> None:
    dev, alice = signup("dev"), signup("alice")
    app = register_app(client, dev, scopes=("read",))
    _, challenge = pkce_pair()
    query = urlencode({"response_type": "code", "client_id": app.client_id,
                       "redirect_uri": REDIRECT, "scope": "read payments",
                       "code_challenge": challenge, "code_challenge_method": "S256"})  # fmt: skip
    answer = client.post(f"/oauth/authorize?{query}", headers=alice, follow_redirects=False)
    assert answer.status_code == 302
    assert parse_qs(urlsplit(answer.headers["location"]).query)["error"] == ["invalid_scope"]


def test_pkce_is_required_and_checked(client: TestClient, signup: Signup) -> None:
    dev, alice = signup("dev"), signup("alice")
    app = register_app(client, dev)
    base = {"response_type": "code", "client_id": app.client_id, "redirect_uri": REDIRECT}
    without = client.post(
        f"/oauth/authorize?{urlencode(base)}", headers=alice, follow_redirects=False
    )
    assert "error" in parse_qs(urlsplit(without.headers["location"]).query)
    _, challenge = pkce_pair()
    query = urlencode({**base, "code_challenge": challenge, "code_challenge_method": "S256"})
    consent = client.post(f"/oauth/authorize?{query}", headers=alice, follow_redirects=False)
    code = parse_qs(urlsplit(consent.headers["location"]).query)["code"][0]
    wrong_verifier, _ = pkce_pair()
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
            "client_id": app.client_id, "code_verifier": wrong_verifier}  # fmt: skip
    answer = client.post("/oauth/token", data=form)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


def test_a_code_is_redeemed_once(client: TestClient, signup: Signup) -> None:
    dev, alice = signup("dev"), signup("alice")
    app = register_app(client, dev)
    verifier, challenge = pkce_pair()
    query = urlencode({"response_type": "code", "client_id": app.client_id,
                       "redirect_uri": REDIRECT, "code_challenge": challenge,
                       "code_challenge_method": "S256"})  # fmt: skip
    consent = client.post(f"/oauth/authorize?{query}", headers=alice, follow_redirects=False)
    code = parse_qs(urlsplit(consent.headers["location"]).query)["code"][0]
    redeem(client, app, code, verifier)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
            "client_id": app.client_id, "code_verifier": verifier}  # fmt: skip
    assert client.post("/oauth/token", data=form).json()["error"] == "invalid_grant"


def test_refresh_rotates_and_revocation_ends_a_token(client: TestClient, signup: Signup) -> None:
    dev, alice = signup("dev"), signup("alice")
    app = register_app(client, dev)
    first = authorize(client, app, alice, "read")
    form = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    refreshed = client.post("/oauth/token", data=form, auth=(app.client_id, app.client_secret))
    assert refreshed.status_code == 200, refreshed.text
    second = refreshed.json()
    assert client.get("/me", headers=bearer(first["access_token"])).status_code == 401
    assert client.get("/me", headers=bearer(second["access_token"])).status_code == 200
    revoked = client.post(
        "/oauth/revoke",
        data={"token": second["access_token"]},
        auth=(app.client_id, app.client_secret),
    )
    assert revoked.status_code == 200
    assert client.get("/me", headers=bearer(second["access_token"])).status_code == 401


def test_client_credentials_read_as_the_developer(client: TestClient, signup: Signup) -> None:
    dev = signup("dev")
    app = register_app(client, dev)
    auth = (app.client_id, app.client_secret)
    form = {"grant_type": "client_credentials", "scope": "read"}
    token = client.post("/oauth/token", data=form, auth=auth).json()["access_token"]
    me = client.get("/me", headers=bearer(token)).json()
    assert me["name"] == "dev"
    assert client.post("/posts", json={"text": "x"}, headers=bearer(token)).status_code == 403
    wider = {"grant_type": "client_credentials", "scope": "read post"}
    assert client.post("/oauth/token", data=wider, auth=auth).json()["error"] == "invalid_scope"
    bad = client.post("/oauth/token", data=form, auth=(app.client_id, "wrong"))
    assert bad.status_code == 401 and bad.json()["error"] == "invalid_client"


def test_users_list_and_withdraw_their_grants(client: TestClient, signup: Signup) -> None:
    dev, alice = signup("dev"), signup("alice")
    app = register_app(client, dev)
    token = bearer(authorize(client, app, alice, "read")["access_token"])
    listed = client.get("/apps/authorized", headers=alice).json()
    assert [a["client_id"] for a in listed] == [app.client_id]
    gone = client.delete(f"/apps/authorized/{app.client_id}", headers=alice)
    assert gone.status_code == 204
    assert client.get("/me", headers=token).status_code == 401
    assert client.get("/apps/authorized", headers=alice).json() == []


def test_secret_rotation_and_revocation_by_the_developer(
    client: TestClient, signup: Signup
) -> None:
    dev, alice, mallory = signup("dev"), signup("alice"), signup("mallory")
    app = register_app(client, dev)
    token = bearer(authorize(client, app, alice, "read")["access_token"])
    assert client.post(f"/apps/{app.client_id}/secret", headers=mallory).status_code == 403
    new_secret = client.post(f"/apps/{app.client_id}/secret", headers=dev).json()["client_secret"]
    form = {"grant_type": "client_credentials", "scope": "read"}
    old = client.post("/oauth/token", data=form, auth=(app.client_id, app.client_secret))
    assert old.status_code == 401
    new = client.post("/oauth/token", data=form, auth=(app.client_id, new_secret))
    assert new.status_code == 200
    assert client.delete(f"/apps/{app.client_id}", headers=dev).status_code == 204
    assert client.get("/me", headers=token).status_code == 401
    assert (
        client.post("/oauth/token", data=form, auth=(app.client_id, new_secret)).status_code == 401
    )


def test_operators_set_an_apps_tier(client: TestClient, signup: Signup) -> None:
    app = register_app(client, signup("dev"))
    path = f"/admin/apps/{app.client_id}/tier"
    changed = client.put(path, json={"tier": "advanced"},
                         headers={"Authorization": f"Bearer {OPERATOR}"})  # fmt: skip
    assert changed.status_code == 200 and changed.json()["tier"] == "advanced"
    bad = client.put(path, json={"tier": "gold"}, headers={"Authorization": f"Bearer {OPERATOR}"})
    assert bad.status_code == 422 and bad.json()["field"] == "tier"
