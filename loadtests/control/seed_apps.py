"""Seed the third-party apps of a load test and get their tokens through the real OAuth flow.

As sim/activities/apps.py: the `apps` section's apps at each authorisation level, each with
a developer account (seeded by the operator), registered with `POST /apps` (scopes read,
post and payments) and moved to its level with `PUT /admin/apps/{client_id}/tier`; each
authorised by `users_per_app` ordinary seeded accounts drawn without replacement. Every
grant is obtained as a real app obtains it: the user consents with `POST /oauth/authorize`
(authorization code with PKCE, verifier and challenge made by oauthlib's client), and the
app exchanges the code at `POST /oauth/token`. This happens here, before the test, so the
handshakes do not enter the measured request mix (the simulator's apps hold their grants
from the start too).
"""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import numpy as np
from oauthlib.oauth2 import WebApplicationClient

from loadtests.control.seed import operator_post
from loadtests.records.seeded import SeededAppGrant, SeededPopulation
from microblog.app_models import Scope
from microblog.rate_limit_config import AppTier
from scenario import Scenario

SCOPES = [Scope.READ, Scope.POST, Scope.PAYMENTS]
"""The scopes the simulator's apps hold (sim.activities.apps.SCOPES)."""
VERIFIER_LENGTH = 64
"""PKCE code verifier length (RFC 7636 allows 43-128 characters)."""
FOUND = 302


def seed_apps(
    client: httpx.Client,
    population: SeededPopulation,
    scenario: Scenario,
    rng: np.random.Generator,
) -> tuple[list[SeededAppGrant], dict[int, str]]:
    """The apps' grants, and each developer's account id -> token (their wallets earn)."""
    config = scenario.apps
    tiers = [AppTier.NORMAL] * config.normal + [AppTier.MEDIUM] * config.medium
    tiers += [AppTier.ADVANCED] * config.advanced
    if not tiers:
        return [], {}
    prefix = f"ltd{secrets.token_hex(4)}_"
    accounts = [{"name": f"{prefix}{i}"} for i in range(len(tiers))]
    developers = operator_post(client, "/admin/seed/accounts", {"accounts": accounts})
    ordinary = np.asarray(population.ordinary)
    per_app = min(config.users_per_app, ordinary.size)
    grants = []
    for i, (developer, tier) in enumerate(zip(developers, tiers, strict=True)):
        client_id, redirect_uri = _register(client, developer["token"], i, tier)
        for account in rng.choice(ordinary, per_app, replace=False).tolist():
            token = _authorise(client, population.tokens[account], client_id, redirect_uri)
            grants.append(
                SeededAppGrant(client_id=client_id, tier=tier, account=account, token=token)
            )
    return grants, {developer["id"]: developer["token"] for developer in developers}


def _register(
    client: httpx.Client, developer_token: str, number: int, tier: AppTier
) -> tuple[str, str]:
    """Register app `number` as its developer and set its level; its client id and URI."""
    redirect_uri = f"https://app{number}.example/callback"
    body = {"name": f"Load-test app {number}", "redirect_uris": [redirect_uri], "scopes": SCOPES}
    app = _ok(
        client.post("/apps", json=body, headers={"Authorization": f"Bearer {developer_token}"}),
        "POST /apps",
    )
    client_id = str(app["client_id"])
    _ok(client.put(f"/admin/apps/{client_id}/tier", json={"tier": tier}), "PUT tier")
    return client_id, redirect_uri


def _authorise(client: httpx.Client, user_token: str, client_id: str, redirect_uri: str) -> str:
    """The user's consent (authorization code with PKCE) and the code's exchange: a token."""
    oauth = WebApplicationClient(client_id)
    verifier = oauth.create_code_verifier(VERIFIER_LENGTH)
    state = secrets.token_urlsafe(16)
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(SCOPES),
        "state": state,
        "code_challenge": oauth.create_code_challenge(verifier, "S256"),
        "code_challenge_method": "S256",
    }
    url = f"/oauth/authorize?{urlencode(query)}"  # oauthlib's builder insists on https
    headers = {"Authorization": f"Bearer {user_token}"}
    consent = client.post(url, headers=headers, follow_redirects=False)  # the code is in it
    if consent.status_code != FOUND:
        raise RuntimeError(f"seeding failed: {url} -> {consent.status_code} {consent.text}")
    answer = parse_qs(urlsplit(consent.headers["location"]).query)
    if answer.get("state") != [state] or "code" not in answer:
        raise RuntimeError(f"seeding failed: consent answered {consent.headers['location']}")
    body = oauth.prepare_request_body(
        code=answer["code"][0], redirect_uri=redirect_uri, code_verifier=verifier
    )
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    exchanged = client.post("/oauth/token", content=body, headers=form)
    return str(_ok(exchanged, "POST /oauth/token")["access_token"])


def _ok(response: httpx.Response, what: str) -> dict[str, object]:
    if response.status_code >= 400:
        raise RuntimeError(f"seeding failed: {what} -> {response.status_code} {response.text}")
    answer: dict[str, object] = response.json()
    return answer
