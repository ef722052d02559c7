"""App purchases over HTTP: an app holding a user's payments grant charges coins through
the ledger, once per idempotency key, and refunds; an app without it asks, and the user
confirms or declines at /me/app-charges; the books balance."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.microblog.api.money_http import OPERATOR_HEADERS, Caller, balance, fund, users
from tests.microblog.api.oauth_flow import RegisteredApp, authorize, bearer, register_app


def paying_app(
    client: TestClient, scope: str = "read payments"
) -> tuple[Caller, Caller, dict[str, str], RegisteredApp]:
    """A developer's app authorised by a funded user: (user, developer, app headers, app)."""
    user, developer = users(client, "player", "studio")
    fund(client, user, 1000)
    app = register_app(client, developer.headers, scopes=("read", "payments"))
    token = authorize(client, app, user.headers, scope)["access_token"]
    return user, developer, bearer(token), app


def books_balance(client: TestClient) -> bool:
    audit = client.get("/admin/ledger/audit", headers=OPERATOR_HEADERS).json()
    return bool(audit["balanced"] and audit["problems"] == [])


def test_an_app_charges_six_coins_once_per_key(client: TestClient) -> None:
    user, developer, as_app, _ = paying_app(client)
    keyed = {**as_app, "Idempotency-Key": "order-77"}
    body = {"item": "Jade Dragon: Gem bundle", "amount_fen": 600}
    first = client.post("/charges", json=body, headers=keyed)
    assert first.status_code == 201, first.text
    again = client.post("/charges", json=body, headers=keyed)
    assert again.json() == first.json()
    charged = first.json()
    assert (charged["developer_fen"], charged["platform_fen"]) == (600, 0)
    assert (balance(client, user), balance(client, developer)) == (400, 600)
    assert books_balance(client)


def test_a_refund_reverses_the_charge_once(client: TestClient) -> None:
    user, developer, as_app, _ = paying_app(client)
    body = {"item": "Season pass", "amount_fen": 600}
    made = client.post("/charges", json=body, headers={**as_app, "Idempotency-Key": "k1"}).json()
    refunded = client.post(f"/charges/{made['id']}/refund", headers=as_app)
    assert refunded.status_code == 200 and refunded.json()["status"] == "refunded"
    assert (balance(client, user), balance(client, developer)) == (1000, 0)
    assert client.post(f"/charges/{made['id']}/refund", headers=as_app).status_code == 409
    assert books_balance(client)


def test_charges_need_the_payments_or_post_scope_and_an_app(client: TestClient) -> None:
    user, _, reader, _ = paying_app(client, scope="read")
    body = {"item": "Booster", "amount_fen": 600}
    refused = client.post("/charges", json=body, headers={**reader, "Idempotency-Key": "k"})
    assert refused.status_code == 403 and refused.json()["field"] == "scope"
    assert "'payments' or 'post'" in refused.json()["message"]
    first_party = client.post("/charges", json=body, headers=user.keyed())
    assert first_party.status_code == 403
    assert balance(client, user) == 1000


def test_a_short_wallet_is_refused_and_pays_nothing(client: TestClient) -> None:
    user, developer, as_app, _ = paying_app(client)
    body = {"item": "Hero skin", "amount_fen": 5000}
    short = client.post("/charges", json=body, headers={**as_app, "Idempotency-Key": "k"})
    assert short.status_code == 409 and short.json()["field"] == "amount_fen"
    assert (balance(client, user), balance(client, developer)) == (1000, 0)


@pytest.mark.parametrize("platform_config", [{"apps": {"platform_share": 0.3}}])
def test_the_platform_takes_its_configured_share(client: TestClient) -> None:
    _, developer, as_app, _ = paying_app(client)
    body = {"item": "Coin pack", "amount_fen": 600}
    made = client.post("/charges", json=body, headers={**as_app, "Idempotency-Key": "k"}).json()
    assert (made["developer_fen"], made["platform_fen"]) == (420, 180)
    assert balance(client, developer) == 420
    assert books_balance(client)
    audit = client.get("/admin/ledger/audit", headers=OPERATOR_HEADERS).json()
    assert audit["platform_revenue_fen"] == 180


def test_an_app_without_payments_asks_and_the_user_confirms(client: TestClient) -> None:
    user, developer = users(client, "player", "studio")
    fund(client, user, 1000)
    app = register_app(client, developer.headers, scopes=("read", "post"))
    as_app = bearer(authorize(client, app, user.headers, "read post")["access_token"])
    body = {"item": "Gem bundle", "amount_fen": 600}
    asked = client.post("/charges", json=body, headers={**as_app, "Idempotency-Key": "k"})
    assert asked.status_code == 201 and asked.json()["status"] == "pending"
    assert balance(client, user) == 1000
    listed = client.get("/me/app-charges", headers=user.headers).json()
    assert [c["id"] for c in listed] == [asked.json()["id"]]
    confirm = f"/me/app-charges/{asked.json()['id']}/confirm"
    assert client.post(confirm, headers=as_app).status_code == 403, "apps never confirm"
    paid = client.post(confirm, headers=user.headers)
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    assert client.post(confirm, headers=user.headers).status_code == 409
    assert (balance(client, user), balance(client, developer)) == (400, 600)
    retried = client.post("/charges", json=body, headers={**as_app, "Idempotency-Key": "k"})
    assert retried.json()["status"] == "paid", "a retry answers the charge as it stands"
    assert client.get("/me/app-charges", headers=user.headers).json() == []
    assert books_balance(client)
