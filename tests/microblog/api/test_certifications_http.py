"""Certification over HTTP: a merchant who registers is unverified and has no shop until an
operator approves; the operator's queue and audit trail."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.microblog.api.conftest import OPERATOR, Headers

OPERATOR_HEADERS = {"Authorization": f"Bearer {OPERATOR}"}


def register(client: TestClient, name: str, role: str) -> tuple[dict[str, object], Headers]:
    body = {"name": name, "password": "password1", "role": role}
    created = client.post("/accounts", json=body)
    assert created.status_code == 201, created.text
    token = client.post("/auth/token", json={"name": name, "password": "password1"})
    return created.json(), {"Authorization": f"Bearer {token.json()['access_token']}"}


def test_a_registered_merchant_waits_for_an_operator(client: TestClient) -> None:
    account, grocer = register(client, "grocer", "merchant")
    assert account["verified"] is False
    refused = client.post("/shops", json={"name": "Tea House"}, headers=grocer)
    assert refused.status_code == 403 and "certification" in refused.json()["message"]
    queue = client.get("/admin/certifications?status=pending", headers=OPERATOR_HEADERS)
    (pending,) = queue.json()["items"]
    assert (pending["account_id"], pending["kind"]) == (account["id"], "merchant")
    decision = {"operator": "ops-li", "note": "business licence checked"}
    path = f"/admin/certifications/{pending['id']}/approve"
    assert client.post(path, json=decision, headers=grocer).status_code == 401
    approved = client.post(path, json=decision, headers=OPERATOR_HEADERS)
    assert approved.json()["status"] == "approved" and approved.json()["decided_by"] == "ops-li"
    assert client.get("/me", headers=grocer).json()["verified"] is True
    assert client.post("/shops", json={"name": "Tea House"}, headers=grocer).status_code == 201
    again = client.post(path, json=decision, headers=OPERATOR_HEADERS)
    assert again.status_code == 409


def test_a_user_applies_and_a_decision_must_name_its_operator(client: TestClient) -> None:
    _, ann = register(client, "ann", "user")
    assert client.get("/certifications", headers=ann).json() == []
    applied = client.post("/certifications", json={"kind": "medium_v"}, headers=ann)
    assert applied.status_code == 201 and applied.json()["status"] == "pending"
    twice = client.post("/certifications", json={"kind": "big_v"}, headers=ann)
    assert twice.status_code == 409 and twice.json()["field"] == "kind"
    path = f"/admin/certifications/{applied.json()['id']}/reject"
    nameless = client.post(path, json={"operator": ""}, headers=OPERATOR_HEADERS)
    assert nameless.status_code == 422 and nameless.json()["field"] == "operator"
    rejected = client.post(path, json={"operator": "ops-wu"}, headers=OPERATOR_HEADERS)
    assert rejected.json()["status"] == "rejected"
    assert client.get("/me", headers=ann).json()["verified"] is False
    trail = client.get("/admin/certifications", headers=OPERATOR_HEADERS).json()["items"]
    assert [(c["status"], c["decided_by"]) for c in trail] == [("rejected", "ops-wu")]
