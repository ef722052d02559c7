"""The operator's timeline rebuild over HTTP: one account or all, operator only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.microblog.api.conftest import OPERATOR, Headers

AS_OPERATOR = {"Authorization": f"Bearer {OPERATOR}"}


@pytest.mark.parametrize("backend", ["sqlite", "sqlite+redis"])
def test_the_operator_rebuilds_one_timeline_or_all(
    client: TestClient, signup: Callable[[str], Headers]
) -> None:
    ann, bob = signup("ann"), signup("bob")
    bob_id = client.get("/me", headers=bob).json()["id"]
    assert client.put(f"/accounts/{bob_id}/follow", headers=ann).status_code == 204
    post = client.post("/posts", json={"text": "hi"}, headers=bob).json()["id"]
    rebuilt = client.post("/admin/timelines/rebuild", json={}, headers=AS_OPERATOR)
    assert rebuilt.status_code == 200 and rebuilt.json() == {"rebuilt": 2}
    one = client.post("/admin/timelines/rebuild", json={"account_id": bob_id}, headers=AS_OPERATOR)
    assert one.json() == {"rebuilt": 1}
    assert [p["id"] for p in client.get("/timeline/home", headers=ann).json()["items"]] == [post]


@pytest.mark.parametrize("backend", ["sqlite"])
def test_rebuild_refuses_an_unknown_account_and_non_operators(
    client: TestClient, signup: Callable[[str], Headers]
) -> None:
    missing = client.post("/admin/timelines/rebuild", json={"account_id": 999}, headers=AS_OPERATOR)
    assert missing.status_code == 404
    assert (
        client.post("/admin/timelines/rebuild", json={}, headers=signup("ann")).status_code == 401
    )
