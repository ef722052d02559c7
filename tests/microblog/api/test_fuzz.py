"""Every OpenAPI operation under generated input: never a 5xx, never an answer off its schema.

Schemathesis builds requests, valid and invalid, from the app's own OpenAPI schema; the
test client sends them in-process to one app over the memory store, as a caller without
credentials, as an ordinary user and as the operator. A response fails the test when it is
a 5xx, or when its status, content type or body is not what its operation documents. A
small world (friends, a post, a group, a chat, a shop) lets low generated ids reach real
records. Bounded for CI: `EXAMPLES` cases per operation and caller, no deadline.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from microblog.api.app import create_app
from tests.microblog.api.conftest import Headers, server_settings
from tests.microblog.api.money_http import OPERATOR_HEADERS, Caller, fund, seed

EXAMPLES = 5
"""Cases per operation and caller: about 1,100 requests, well under a minute in all."""

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
SENT = ("method", "url", "params", "json")

SETTINGS = server_settings("memory", {})
schema = schemathesis.openapi.from_dict(create_app(SETTINGS).openapi())
schema.config.phases.coverage.enabled = False  # its hundreds of fixed cases cost 3x the time


@pytest.fixture(scope="module")
def callers() -> Iterator[tuple[TestClient, dict[str, Headers]]]:
    """One app for the whole module, and the headers of each kind of caller."""
    with TestClient(create_app(SETTINGS), raise_server_exceptions=False) as client:
        user = build_world(client)
        yield client, {"anonymous": {}, "user": user.headers, "operator": OPERATOR_HEADERS}


def build_world(client: TestClient) -> Caller:
    """Friends with a chat, a post with a comment, a group and a merchant's shop."""
    user, friend, merchant = seed(
        client, {"name": "user"}, {"name": "friend"}, {"name": "shopkeeper", "role": "merchant"}
    )
    for a, b in [(user, friend), (friend, user)]:
        assert client.put(f"/accounts/{b.id}/follow", headers=a.headers).status_code == 204
    post = client.post("/posts", json={"text": "hello @friend"}, headers=user.headers).json()
    products = [{"name": "mug", "price_fen": 500, "stock": 9}]
    shops = {"shops": [{"owner_id": merchant.id, "name": "shop", "products": products}]}
    made = [
        client.post(f"/posts/{post['id']}/comments", json={"text": "hi"}, headers=friend.headers),
        client.post("/groups", json={"name": "club"}, headers=user.headers),
        client.post("/chat/messages", json={"to": friend.id, "text": "psst"}, headers=user.headers),
        client.post("/admin/seed/shops", json=shops, headers=OPERATOR_HEADERS),
    ]
    assert [r.status_code for r in made] == [201] * len(made)
    fund(client, user, 10_000)
    return user


def as_sent(case: schemathesis.Case, headers: Headers) -> dict[str, Any]:
    """The case as test client arguments, sent with `headers` as its only credentials (a
    raw body as `content`; schemathesis's cookies are always empty here)."""
    prepared = case.as_transport_kwargs(base_url="http://testserver")
    generated: Mapping[str, str] = prepared.get("headers") or {}
    kept = {k: v for k, v in generated.items() if k.lower() != "authorization"}
    sent = {k: prepared[k] for k in SENT if k in prepared}
    if "data" in prepared:
        sent["content"] = prepared["data"]
    return {**sent, "headers": {**kept, **headers}}


@pytest.mark.parametrize("caller", ["anonymous", "user", "operator"])
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_operation_answers_5xx_or_off_its_schema(
    case: schemathesis.Case, caller: str, callers: tuple[TestClient, dict[str, Headers]]
) -> None:
    client, headers = callers
    response = client.request(**as_sent(case, headers[caller]))
    case.validate_response(response, checks=CHECKS)
