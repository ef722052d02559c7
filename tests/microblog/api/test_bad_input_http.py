"""Inputs the API fuzzer found answered with 500: each is now a 4xx naming what was wrong,
on every backend (ids past 64 bits overflowed SQLite and PostgreSQL drivers)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.microblog.api.money_http import OPERATOR_HEADERS, users

HUGE = 10**22


def test_ids_past_64_bits_are_422_naming_the_field(client: TestClient) -> None:
    (caller,) = users(client, "ann")
    cases = [
        ("GET", f"/accounts/{HUGE}", None, "path.account_id"),
        ("PUT", f"/posts/{HUGE}/like", None, "path.post_id"),
        ("POST", f"/ads/impressions/{HUGE}/click", None, "path.impression_id"),
        ("POST", "/posts", {"text": "hi", "repost_of": HUGE}, "repost_of"),
        ("POST", "/orders", {"product_id": HUGE}, "product_id"),
        ("GET", f"/chat/conversations/group-{HUGE}/messages", None, "conversation"),
    ]
    for method, url, body, field in cases:
        response = client.request(method, url, json=body, headers=caller.keyed())
        assert response.status_code == 422, (url, response.text)
        assert response.json()["field"] == field


def test_seeding_follows_of_unknown_accounts_is_404_naming_edges(client: TestClient) -> None:
    (ann,) = users(client, "ann")
    edges = {"edges": [[ann.id, ann.id + 1000], [-5249, ann.id]]}
    response = client.post("/admin/seed/follows", json=edges, headers=OPERATOR_HEADERS)
    assert response.status_code == 422 and response.json()["field"] == "edges.1.0"
    edges = {"edges": [[ann.id, ann.id + 1000]]}
    response = client.post("/admin/seed/follows", json=edges, headers=OPERATOR_HEADERS)
    assert response.status_code == 404 and response.json()["field"] == "edges"


def test_text_with_a_nul_character_is_422_naming_the_field(client: TestClient) -> None:
    """PostgreSQL cannot store U+0000: each of these was a 500 there."""
    (caller,) = users(client, "ann")
    cases = [
        ("POST", "/posts", {"text": "a\x00b"}, "text"),
        ("POST", "/groups", {"name": "club\x00"}, "name"),
        ("PUT", "/me/profile", {"interests": ["ok", "b\x00d"]}, "interests"),
        ("POST", "/auth/token", {"name": "a\x00n", "password": "password1"}, "name"),
        ("GET", "/chat/friends?prefix=%00", None, "query.prefix"),
    ]
    for method, url, body, field in cases:
        response = client.request(method, url, json=body, headers=caller.headers)
        assert response.status_code == 422, (url, response.text)
        assert response.json()["field"] == field


def test_text_with_a_lone_surrogate_is_422_naming_the_field(client: TestClient) -> None:
    """JSON may escape half a UTF-16 pair (`\\ud800`), which no UTF-8 encoder accepts:
    echoing the post back failed to encode, a 500."""
    (caller,) = users(client, "ann")
    cases = [
        ("/posts", b'{"text": "a\\ud800b"}', "text"),
        ("/groups", b'{"name": "club\\udfff"}', "name"),
    ]
    for url, body, field in cases:
        headers = {**caller.headers, "Content-Type": "application/json"}
        response = client.post(url, content=body, headers=headers)
        assert response.status_code == 422, (url, response.text)
        assert response.json()["field"] == field
