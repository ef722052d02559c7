"""Operator endpoints: the ledger audit (also after concurrent HTTP payments) and seeding."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from microblog.money_models import Gift, Order, Purchase
from tests.microblog.api.money_http import (
    OPERATOR_HEADERS,
    Caller,
    balance,
    seed,
    users,
)
from tests.microblog.money_helpers import RELIABLE_GATEWAY, ExpectedBooks

THREADS = 4
REQUESTS_PER_THREAD = 30


@pytest.fixture
def platform_config() -> dict[str, object]:
    return RELIABLE_GATEWAY


def test_the_audit_needs_the_operator_token(client: TestClient) -> None:
    (ann,) = users(client, "ann")
    assert client.get("/admin/ledger/audit").status_code == 401
    assert client.get("/admin/ledger/audit", headers=ann.headers).status_code == 401
    audit = client.get("/admin/ledger/audit", headers=OPERATOR_HEADERS).json()
    assert audit["balanced"] and audit["total_fen"] == 0 and audit["problems"] == []


def test_seeding_credits_wallets_and_opens_shops(client: TestClient) -> None:
    ann, bob = users(client, "ann", "bob")
    (grocer,) = seed(client, {"name": "grocer", "role": "merchant"})
    credits = [{"account_id": ann.id, "amount_fen": 700}, {"account_id": bob.id, "amount_fen": 300}]
    seeded = client.post("/admin/seed/wallets", json={"credits": credits}, headers=OPERATOR_HEADERS)
    assert seeded.json() == {"credited": 2, "total_fen": 1000}
    shops = {"shops": [{"owner_id": grocer.id, "name": "Tea House",
                        "products": [{"name": "tea", "price_fen": 500, "stock": 9}]}]}  # fmt: skip
    opened = client.post("/admin/seed/shops", json=shops, headers=OPERATOR_HEADERS)
    assert opened.status_code == 201
    (entry,) = opened.json()
    assert entry["shop"]["owner_id"] == grocer.id and entry["products"][0]["stock"] == 9
    not_a_merchant = {"shops": [{"owner_id": ann.id, "name": "stall"}]}
    assert (
        client.post("/admin/seed/shops", json=not_a_merchant, headers=OPERATOR_HEADERS).status_code
        == 403
    )
    audit = client.get("/admin/ledger/audit", headers=OPERATOR_HEADERS).json()
    assert (audit["issued_fen"], audit["circulating_fen"]) == (1000, 1000)


Call = tuple[str, dict[str, Any] | None, Caller]
"""Path, JSON body and caller of one payment request."""


class HttpMarket:
    """Buyers and merchants trading over HTTP from many threads at once."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.buyers = users(client, *(f"buyer{i}" for i in range(6)))
        self.merchants = seed(
            client, *({"name": f"seller{i}", "role": "merchant"} for i in range(2))
        )
        self.funding = {b.id: 20_000 if i % 3 else 800 for i, b in enumerate(self.buyers)}
        credits = [{"account_id": a, "amount_fen": fen} for a, fen in self.funding.items()]
        client.post("/admin/seed/wallets", json={"credits": credits}, headers=OPERATOR_HEADERS)
        stock = [{"name": "good", "price_fen": 450, "stock": 30}]
        shops = [
            {"owner_id": m.id, "name": f"shop{m.id}", "products": stock} for m in self.merchants
        ]
        opened = client.post("/admin/seed/shops", json={"shops": shops}, headers=OPERATOR_HEADERS)
        self.products = [p["id"] for s in opened.json() for p in s["products"]]
        games = client.get("/games", headers=self.buyers[0].headers).json()
        self.items = [i["id"] for i in games[0]["items"]]
        self.results: list[tuple[str, dict[str, Any]]] = []
        self.orders: list[dict[str, Any]] = []
        self.failures: list[str] = []

    def pick(self, rng: np.random.Generator) -> Call:
        buyer, other = (self.buyers[i] for i in rng.choice(len(self.buyers), 2, replace=False))
        roll = rng.random()
        if roll < 0.3:
            gift = {"recipient_id": other.id, "amount_fen": 300}
            return f"/wallets/{buyer.id}/gifts", gift, buyer
        if roll < 0.55:
            item = self.items[int(rng.integers(len(self.items)))]
            return f"/games/items/{item}/purchases", {"quantity": 1}, buyer
        if roll < 0.85 or not self.orders:
            product = self.products[int(rng.integers(len(self.products)))]
            return "/orders", {"product_id": product, "quantity": 2}, buyer
        order = self.orders[int(rng.integers(len(self.orders)))]
        merchant = next(m for m in self.merchants if m.id == order["merchant_id"])
        return f"/orders/{order['id']}/refund", None, merchant

    def pay(self, rng: np.random.Generator, name: str) -> None:
        for n in range(REQUESTS_PER_THREAD):
            path, body, caller = self.pick(rng)
            headers = caller.keyed(f"{name}-{n}")
            first = self.client.post(path, json=body, headers=headers)
            response = first
            if first.status_code == 409 or rng.random() < 0.3:
                # a refusal stores nothing, so its retry may succeed; a success replays
                response = self.client.post(path, json=body, headers=headers)
                if first.status_code != 409 and response.json() != first.json():
                    self.failures.append(f"{path}: the retry of a success differs")
            if response.status_code in (200, 201):
                self.results.append((path, response.json()))
                if path == "/orders":
                    self.orders.append(response.json())
            elif response.status_code != 409:
                self.failures.append(f"{path}: {response.status_code} {response.text}")

    def expected_wallets(self) -> dict[int, int]:
        books = ExpectedBooks()
        books.wallets.update(self.funding)
        kinds = {"gifts": Gift, "purchases": Purchase}
        for path, body in self.results:
            kind = kinds.get(path.rsplit("/", 1)[-1], Order)
            books.apply(TypeAdapter(kind).validate_python(body))
        return {c.id: books.wallets[c.id] for c in self.buyers + self.merchants}

    def wallets(self) -> dict[int, int]:
        return {c.id: balance(self.client, c) for c in self.buyers + self.merchants}


@pytest.mark.parametrize("backend", ["sqlite"])
def test_concurrent_http_payments_leave_the_audit_balanced(client: TestClient) -> None:
    """Threads pay, order, refund and retry over HTTP; the audit endpoint balances after."""
    market = HttpMarket(client)
    seeds = np.random.SeedSequence(7).spawn(THREADS)
    threads = [
        threading.Thread(target=market.pay, args=(np.random.default_rng(s), f"t{i}"))
        for i, s in enumerate(seeds)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert market.failures == []
    assert len(market.results) > THREADS * REQUESTS_PER_THREAD // 2
    audit = client.get("/admin/ledger/audit", headers=OPERATOR_HEADERS).json()
    assert audit["balanced"], audit["problems"]
    assert market.wallets() == market.expected_wallets()
