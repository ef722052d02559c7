"""Every paged endpoint takes back only the cursors it hands out: anything else is a 422
naming `cursor`, on every backend (the endpoints are read from the OpenAPI schema, so a
new paged endpoint is covered as soon as it exists)."""

from __future__ import annotations

import base64

from fastapi.testclient import TestClient

from tests.microblog.api.money_http import OPERATOR_HEADERS, Caller, seed

MALFORMED = [
    "³",  # found by an outside fuzzer: passes str.isdigit(), then int() raised (a 500)
    "1.³",
    "1.99999999999999999999",
    "99999999999999999999",
    "12",  # the old plain-id form: clients do not build cursors
    base64.urlsafe_b64encode(b"i:99999999999999999999").decode().rstrip("="),
    "x" * 500,
]


def paged_paths(client: TestClient) -> list[str]:
    """The GET paths whose operation takes a `cursor`."""
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    return [
        path
        for path, operations in paths.items()
        if any(p["name"] == "cursor" for p in operations.get("get", {}).get("parameters", []))
    ]


def merchant_with_everything(client: TestClient) -> tuple[Caller, dict[str, object]]:
    """A merchant with a shop, a group, a commented post, an album and a friend to chat
    with, so every paged list is one it may read; and the path values that name them."""
    merchant, friend = seed(client, {"name": "maker", "role": "merchant"}, {"name": "pal"})
    for a, b in [(merchant, friend), (friend, merchant)]:
        client.put(f"/accounts/{b.id}/follow", headers=a.headers)
    shops = {"shops": [{"owner_id": merchant.id, "name": "shop"}]}
    shop = client.post("/admin/seed/shops", json=shops, headers=OPERATOR_HEADERS).json()[0]
    group = client.post("/groups", json={"name": "club"}, headers=merchant.headers).json()
    post = client.post("/posts", json={"text": "hi"}, headers=merchant.headers).json()
    sent = {"to": friend.id, "text": "psst"}
    message = client.post("/chat/messages", json=sent, headers=merchant.headers).json()
    album = client.post("/albums", json={"name": "trip"}, headers=merchant.headers).json()
    names = {"account_id": merchant.id, "group_id": group["id"], "post_id": post["id"]}
    return merchant, {
        "album_id": album["id"],
        **names,
        "shop_id": shop["shop"]["id"],
        "conversation": message["conversation"],
    }


def test_every_paged_endpoint_refuses_a_malformed_cursor_by_name(client: TestClient) -> None:
    caller, names = merchant_with_everything(client)
    paths = paged_paths(client)
    assert {"/campaigns", "/timeline/home", "/me/mentions", "/me/orders"} <= set(paths)
    for path in paths:
        url = path.format(**names)
        headers = OPERATOR_HEADERS if path.startswith("/admin/") else caller.headers
        assert client.get(url, headers=headers).status_code == 200, url
        for cursor in MALFORMED:
            response = client.get(url, params={"cursor": cursor}, headers=headers)
            assert response.status_code == 422, (url, cursor, response.text)
            assert response.json()["field"] == "cursor"


def test_a_next_cursor_is_opaque_and_pages_on(client: TestClient) -> None:
    (caller,) = seed(client, {"name": "poster"})
    ids = [
        client.post("/posts", json={"text": str(i)}, headers=caller.headers).json()["id"]
        for i in range(3)
    ]
    first = client.get("/timeline/home?limit=2", headers=caller.headers).json()
    assert str(ids[1]) not in first["next_cursor"]
    rest = client.get(
        "/timeline/home", params={"cursor": first["next_cursor"]}, headers=caller.headers
    )
    assert [p["id"] for p in first["items"] + rest.json()["items"]] == ids[::-1]
