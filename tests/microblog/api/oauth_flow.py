"""A third-party app's side of OAuth 2.0 in tests: register, get a user's consent with
PKCE, redeem the code."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from fastapi.testclient import TestClient

from tests.microblog.api.conftest import Headers

REDIRECT = "https://app.example/callback"


@dataclass(frozen=True)
class RegisteredApp:
    client_id: str
    client_secret: str


def register_app(
    client: TestClient, developer: Headers, scopes: tuple[str, ...] = ("read", "post")
) -> RegisteredApp:
    body = {"name": "Weather bot", "redirect_uris": [REDIRECT], "scopes": list(scopes)}
    created = client.post("/apps", json=body, headers=developer)
    assert created.status_code == 201, created.text
    return RegisteredApp(created.json()["client_id"], created.json()["client_secret"])


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge) as RFC 7636 section 4 makes them."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize(client: TestClient, app: RegisteredApp, user: Headers, scope: str) -> dict[str, str]:
    """The user consents; the answer's redirect carries the code. Returns the token JSON."""
    verifier, challenge = pkce_pair()
    query = urlencode(
        {
            "response_type": "code",
            "client_id": app.client_id,
            "redirect_uri": REDIRECT,
            "scope": scope,
            "state": "xyz",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    consent = client.post(f"/oauth/authorize?{query}", headers=user, follow_redirects=False)
    assert consent.status_code == 302, consent.text
    location = urlsplit(consent.headers["location"])
    params = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    assert params["state"] == ["xyz"]
    return redeem(client, app, params["code"][0], verifier)


def redeem(client: TestClient, app: RegisteredApp, code: str, verifier: str) -> dict[str, str]:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": app.client_id,
        "code_verifier": verifier,
    }
    answer = client.post("/oauth/token", data=form)
    assert answer.status_code == 200, answer.text
    token: dict[str, str] = answer.json()
    return token


def bearer(token: str) -> Headers:
    return {"Authorization": f"Bearer {token}"}
