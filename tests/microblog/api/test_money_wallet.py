"""Wallet endpoints: top-up outcomes, idempotent retries, overdrafts, ownership, bad amounts."""

import pytest
from fastapi.testclient import TestClient

from microblog.work import WORK_HEADER, Work
from tests.microblog.api.money_http import (
    OPERATOR_HEADERS,
    balance,
    fund,
    users,
)
from tests.microblog.money_helpers import RELIABLE_GATEWAY


@pytest.fixture
def platform_config() -> dict[str, object]:
    return RELIABLE_GATEWAY


TOPUP = {"amount_fen": 600, "channel": "third_party_wallet"}


def test_a_confirmed_top_up_gets_201_and_credits_the_wallet(client: TestClient) -> None:
    (ann,) = users(client, "ann")
    response = client.post(f"/wallets/{ann.id}/topups", json=TOPUP, headers=ann.keyed())
    assert response.status_code == 201
    assert response.json()["status"] == "confirmed"
    assert Work.from_header(response.headers[WORK_HEADER]).db_writes >= 5
    assert balance(client, ann) == 600


@pytest.mark.parametrize(
    "platform_config", [{"money": {"gateway": {"latency_ms": 0.0, "failure_rate": 1.0}}}]
)
def test_a_declined_top_up_gets_402_and_credits_nothing(client: TestClient) -> None:
    (ann,) = users(client, "ann")
    response = client.post(f"/wallets/{ann.id}/topups", json=TOPUP, headers=ann.keyed())
    assert response.status_code == 402
    assert response.json()["error"] == "payment_declined"
    assert "nothing was credited" in response.json()["message"]
    assert balance(client, ann) == 0


@pytest.mark.parametrize(
    "platform_config", [{"money": {"gateway": {"latency_ms": 1e12, "timeout_ms": 0.001}}}]
)
def test_a_pending_top_up_gets_202_and_its_late_callback_applies_once(client: TestClient) -> None:
    (ann,) = users(client, "ann")
    headers = ann.keyed()
    pending = client.post(f"/wallets/{ann.id}/topups", json=TOPUP, headers=headers)
    assert pending.status_code == 202 and pending.json()["status"] == "pending"
    topup_id = pending.json()["id"]
    settle = f"/admin/topups/{topup_id}/settle"
    for _ in range(2):
        settled = client.post(settle, json={"confirmed": True}, headers=OPERATOR_HEADERS)
        assert settled.status_code == 200 and settled.json()["status"] == "confirmed"
    assert (
        client.post(settle, json={"confirmed": False}, headers=OPERATOR_HEADERS).status_code == 409
    )
    assert balance(client, ann) == 600
    polled = client.get(f"/wallets/{ann.id}/topups/{topup_id}", headers=ann.headers)
    assert polled.json()["status"] == "confirmed"
    retried = client.post(f"/wallets/{ann.id}/topups", json=TOPUP, headers=headers)
    assert (retried.status_code, retried.json()["id"]) == (201, topup_id)
    assert balance(client, ann) == 600


def test_a_retry_with_the_same_key_returns_the_same_response_and_pays_once(
    client: TestClient,
) -> None:
    ann, bob = users(client, "ann", "bob")
    fund(client, ann, 1000)
    gift = {"recipient_id": bob.id, "amount_fen": 250}
    headers = ann.keyed("gift-1")
    first = client.post(f"/wallets/{ann.id}/gifts", json=gift, headers=headers)
    again = client.post(f"/wallets/{ann.id}/gifts", json=gift, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert (balance(client, ann), balance(client, bob)) == (750, 250)
    changed = client.post(
        f"/wallets/{ann.id}/gifts", json={**gift, "amount_fen": 251}, headers=headers
    )
    assert changed.status_code == 422
    assert changed.json()["field"] == "Idempotency-Key"
    assert "different request" in changed.json()["message"]
    assert balance(client, ann) == 750


def test_payments_without_an_idempotency_key_get_422(client: TestClient) -> None:
    ann, bob = users(client, "ann", "bob")
    response = client.post(
        f"/wallets/{ann.id}/gifts",
        json={"recipient_id": bob.id, "amount_fen": 1},
        headers=ann.headers,
    )
    assert response.status_code == 422
    assert response.json()["field"] == "header.Idempotency-Key"


def test_an_overdraft_gets_409_naming_the_shortfall(client: TestClient) -> None:
    ann, bob = users(client, "ann", "bob")
    fund(client, ann, 120)
    response = client.post(
        f"/wallets/{ann.id}/gifts",
        json={"recipient_id": bob.id, "amount_fen": 500},
        headers=ann.keyed(),
    )
    assert response.status_code == 409
    assert "short by 3.80 coins" in response.json()["message"]
    assert response.json()["field"] == "amount_fen"
    assert balance(client, ann) == 120


def test_nobody_reads_or_spends_anothers_wallet(client: TestClient) -> None:
    ann, mallory = users(client, "ann", "mallory")
    fund(client, ann, 1000)
    steal = {"recipient_id": mallory.id, "amount_fen": 1000}
    attempts = [
        client.get(f"/wallets/{ann.id}", headers=mallory.headers),
        client.get(f"/wallets/{ann.id}/statement", headers=mallory.headers),
        client.post(f"/wallets/{ann.id}/gifts", json=steal, headers=mallory.keyed()),
        client.post(
            f"/wallets/{ann.id}/withdrawals", json={"amount_fen": 10}, headers=mallory.keyed()
        ),
        client.post(f"/wallets/{ann.id}/topups", json=TOPUP, headers=mallory.keyed()),
    ]
    assert [a.status_code for a in attempts] == [403] * 5
    assert balance(client, ann) == 1000 and balance(client, mallory) == 0


def test_malformed_amounts_get_422_naming_the_field(client: TestClient) -> None:
    ann, bob = users(client, "ann", "bob")
    fund(client, ann, 1000)
    for amount in (-100, 0, 1.5, 10**12, "100", None, True):
        bodies = {
            "gifts": {"recipient_id": bob.id, "amount_fen": amount},
            "topups": {"amount_fen": amount, "channel": "online_banking"},
            "withdrawals": {"amount_fen": amount},
        }
        for path, body in bodies.items():
            response = client.post(f"/wallets/{ann.id}/{path}", json=body, headers=ann.keyed())
            assert response.status_code == 422, (path, amount, response.text)
            assert response.json()["field"] == "amount_fen"
    assert balance(client, ann) == 1000


def test_the_statement_shows_withdrawals_and_gifts(client: TestClient) -> None:
    ann, bob = users(client, "ann", "bob")
    fund(client, ann, 1000)
    client.post(f"/wallets/{ann.id}/gifts", json={"recipient_id": bob.id, "amount_fen": 100},
                headers=ann.keyed())  # fmt: skip
    withdrawal = client.post(
        f"/wallets/{ann.id}/withdrawals", json={"amount_fen": 300}, headers=ann.keyed()
    )
    assert withdrawal.status_code == 201
    lines = client.get(f"/wallets/{ann.id}/statement", headers=ann.headers).json()["items"]
    assert [(line["kind"], line["amount_fen"]) for line in lines] == [
        ("withdrawal", -300),
        ("gift", -100),
        ("seed", 1000),
    ]
