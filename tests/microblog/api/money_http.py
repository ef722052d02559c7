"""Helpers of the money HTTP tests: seeded accounts with tokens, funding and keyed headers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import httpx
from fastapi.testclient import TestClient

from tests.microblog.api.conftest import OPERATOR, Headers
from tests.microblog.money_helpers import key

OPERATOR_HEADERS = {"Authorization": f"Bearer {OPERATOR}"}


@dataclass(frozen=True)
class Caller:
    id: int
    headers: Headers

    def keyed(self, idempotency_key: str | None = None) -> Headers:
        """Auth headers plus an Idempotency-Key (a fresh one unless given)."""
        return {**self.headers, "Idempotency-Key": idempotency_key or key()}


def seed(client: httpx.Client, *accounts: Mapping[str, object]) -> list[Caller]:
    """Accounts from seeding specs ({"name": ..., "role": ..., "tier": ...}) with tokens."""
    response = client.post(
        "/admin/seed/accounts", json={"accounts": list(accounts)}, headers=OPERATOR_HEADERS
    )
    assert response.status_code == 201, response.text
    return [Caller(s["id"], {"Authorization": f"Bearer {s['token']}"}) for s in response.json()]


def users(client: httpx.Client, *names: str) -> list[Caller]:
    return seed(client, *({"name": n} for n in names))


def fund(client: TestClient, caller: Caller, fen: int) -> None:
    credits = {"credits": [{"account_id": caller.id, "amount_fen": fen}]}
    response = client.post("/admin/seed/wallets", json=credits, headers=OPERATOR_HEADERS)
    assert response.status_code == 200, response.text


def balance(client: TestClient, caller: Caller) -> int:
    response = client.get(f"/wallets/{caller.id}", headers=caller.headers)
    assert response.status_code == 200, response.text
    return int(response.json()["balance_fen"])
