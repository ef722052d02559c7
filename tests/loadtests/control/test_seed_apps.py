"""Seeding the third-party apps: registered, levelled, and granted through the OAuth flow."""

from __future__ import annotations

from collections import Counter

from tests.loadtests.conftest import SeededServer


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_each_app_has_its_level_and_distinct_ordinary_users(seeded_server: SeededServer) -> None:
    grants, population = seeded_server.economy.app_grants, seeded_server.population
    users: dict[str, set[int]] = {grant.client_id: set() for grant in grants}
    for grant in grants:
        users[grant.client_id].add(grant.account)
    assert len(users) == 4 and all(len(accounts) == 3 for accounts in users.values())
    assert all(grant.account in population.ordinary for grant in grants)
    levels = Counter(grant.tier for grant in grants)
    assert levels == {"normal": 6, "medium": 3, "advanced": 3}
    for developer, token in seeded_server.economy.developer_tokens.items():
        (app,) = seeded_server.client.get("/apps", headers=bearer(token)).json()
        assert app["developer_id"] == developer
        assert app["tier"] == next(g.tier for g in grants if g.client_id == app["client_id"])


def test_a_grants_token_acts_as_its_user_for_its_app(seeded_server: SeededServer) -> None:
    client, grant = seeded_server.client, seeded_server.economy.app_grants[0]
    user = seeded_server.population.ids[grant.account]
    assert client.get("/timeline/home", headers=bearer(grant.token)).status_code == 200
    posted = client.post("/posts", json={"text": "via app"}, headers=bearer(grant.token))
    assert posted.status_code == 201 and posted.json()["author_id"] == user
    user_token = seeded_server.population.tokens[grant.account]
    authorised = client.get("/apps/authorized", headers=bearer(user_token)).json()
    assert grant.client_id in [app["client_id"] for app in authorised]
