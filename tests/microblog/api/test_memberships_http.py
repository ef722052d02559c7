"""Paid membership over HTTP: join with an Idempotency-Key, the badge on the account's
view, cancel, and the operator's renewal run (the server's cron endpoint)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.microblog.api.conftest import OPERATOR, Headers

OPERATOR_HEADERS = {"Authorization": f"Bearer {OPERATOR}"}


@pytest.fixture
def backend() -> str:
    """One backend: the service tests cover the others."""
    return "sqlite"


def test_join_shows_the_badge_and_cancel_stops_renewal(
    client: TestClient, signup: Callable[[str], Headers]
) -> None:
    ann = signup("ann")
    me = client.get("/me", headers=ann).json()
    assert me["member"] is False
    credits = [{"account_id": me["id"], "amount_fen": 1500}]
    client.post("/admin/seed/wallets", json={"credits": credits}, headers=OPERATOR_HEADERS)
    assert client.post("/me/membership", headers=ann).status_code == 422  # no key
    joined = client.post("/me/membership", headers={**ann, "Idempotency-Key": "k1"})
    assert joined.status_code == 201, joined.text
    assert joined.json()["status"] == "active" and joined.json()["price_fen"] == 1000
    bob = signup("bob")
    assert client.get(f"/accounts/{me['id']}", headers=bob).json()["member"] is True
    assert client.post("/me/membership/cancel", headers=ann).json()["status"] == "cancelled"
    assert client.post("/me/membership/cancel", headers=ann).status_code == 409
    assert client.get("/me/membership", headers=bob).status_code == 404
    run = client.post("/admin/memberships/renewals", headers=OPERATOR_HEADERS)
    assert run.json() == {"renewed": 0, "lapsed": 0, "ended": 0, "charged_fen": 0}
    assert client.post("/admin/memberships/renewals", headers=ann).status_code == 401
