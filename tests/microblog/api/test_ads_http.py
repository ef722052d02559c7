"""The ads HTTP API: campaigns only their owners see, the feed with ads, clicks and hides."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from microblog.api.app import create_app
from tests.backends import cache_for, store_url
from tests.microblog.api.conftest import OPERATOR, Headers, certify, server_settings

Join = Callable[..., tuple[int, Headers]]


@pytest.fixture
def ads_client(backend: str, tmp_path: Path) -> Iterator[TestClient]:
    """The app with every other feed slot an ad and no pacing (the day starts at 'now')."""
    with store_url(backend, tmp_path) as store, cache_for(backend) as cache:
        settings = server_settings(store, {"ad_load": 0.5, "ads": {"pacing": False}}, cache)
        with TestClient(create_app(settings)) as client:
            yield client


@pytest.fixture
def join(ads_client: TestClient) -> Join:
    """Register and log in an account of a role; returns its id and auth headers."""

    def make(name: str, role: str = "user", **profile: Any) -> tuple[int, Headers]:
        body = {"name": name, "password": "password1", "role": role, "profile": profile}
        created = ads_client.post("/accounts", json=body)
        assert created.status_code == 201, created.text
        token = ads_client.post("/auth/token", json={"name": name, "password": "password1"})
        return created.json()["id"], {"Authorization": f"Bearer {token.json()['access_token']}"}

    return make


def campaign_body(post_id: int, **changes: Any) -> dict[str, Any]:
    return {
        "post_id": post_id,
        "bid_type": "cpc",
        "bid": 50,
        "daily_budget": 10_000,
        "total_budget": 100_000,
        "start": 0,
        "end": 4e9,
        **changes,
    }


def product_post(client: TestClient, merchant: Headers) -> dict[str, Any]:
    shop = client.post("/shops", json={"name": "tea house"}, headers=merchant).json()
    product = client.post(
        f"/shops/{shop['id']}/products",
        json={"name": "green tea", "price_fen": 1000, "stock": 5},
        headers=merchant,
    ).json()
    made = client.post(
        f"/products/{product['id']}/posts", json={"text": "buy now"}, headers=merchant
    )
    return dict(made.json()["post"])


def launch(client: TestClient, headers: Headers, **changes: Any) -> dict[str, Any]:
    if changes.get("kind") == "promotion":
        post = product_post(client, headers)
    else:
        post = client.post("/posts", json={"text": "buy now"}, headers=headers).json()
    response = client.post("/campaigns", json=campaign_body(post["id"], **changes), headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def operator(client: TestClient, method: str, path: str, **body: Any) -> Any:
    headers = {"Authorization": f"Bearer {OPERATOR}"}
    response = client.request(method, path, json=body or None, headers=headers)
    assert response.status_code < 300, response.text
    return response.json()


def test_an_advertiser_cannot_read_or_change_anothers_campaign(
    ads_client: TestClient, join: Join
) -> None:
    _, owner = join("brand", "advertiser")
    _, rival = join("rival", "advertiser")
    campaign = launch(ads_client, owner)
    path = f"/campaigns/{campaign['id']}"
    for method, suffix in [
        ("get", ""),
        ("post", "/pause"),
        ("post", "/resume"),
        ("get", "/report"),
    ]:
        response = ads_client.request(method, path + suffix, headers=rival)
        assert response.status_code == 403 and response.json()["error"] == "forbidden"
    assert ads_client.get("/campaigns", headers=rival).json()["items"] == []
    assert ads_client.get(path, headers=owner).json()["status"] == "active"
    assert ads_client.post(path + "/pause", headers=owner).json()["status"] == "paused"


def test_only_advertisers_and_merchants_may_buy_reach(ads_client: TestClient, join: Join) -> None:
    _, user = join("someone")
    post = ads_client.post("/posts", json={"text": "hi"}, headers=user).json()
    response = ads_client.post("/campaigns", json=campaign_body(post["id"]), headers=user)
    assert response.status_code == 403
    bad = ads_client.post("/campaigns", json=campaign_body(post["id"], bid=0), headers=user)
    assert bad.status_code == 422 and bad.json()["field"] == "bid"
    _, merchant = join("shop", "merchant")
    promotion = campaign_body(post["id"], kind="promotion")
    unapproved = ads_client.post("/campaigns", json=promotion, headers=merchant)
    assert unapproved.status_code == 403 and "certification" in unapproved.json()["message"]
    certify(ads_client, merchant)
    plain = ads_client.post("/posts", json={"text": "no product"}, headers=merchant).json()
    body = campaign_body(plain["id"], kind="promotion")
    refused = ads_client.post("/campaigns", json=body, headers=merchant)
    assert refused.status_code == 422 and refused.json()["field"] == "post_id"
    assert launch(ads_client, merchant, kind="promotion")["kind"] == "promotion"


def test_the_feed_carries_targeted_ads_that_viewers_can_hide(
    ads_client: TestClient, join: Join
) -> None:
    _, brand = join("brand", "advertiser")
    campaign = launch(ads_client, brand, targeting={"interests": ["tech"]})
    _, fan = join("fan", interests=["tech"])
    _, other = join("other", interests=["food"])
    for headers in (fan, other):
        ads_client.post("/posts", json={"text": "my post"}, headers=headers)
    feed = ads_client.get("/timeline/home/feed", headers=fan).json()
    assert [item["kind"] for item in feed["items"]] == ["post", "ad"]
    ad = feed["items"][1]["ad"]
    assert ad["campaign_id"] == campaign["id"] and feed["items"][1]["post"]["text"] == "buy now"
    assert [
        i["kind"] for i in ads_client.get("/timeline/home/feed", headers=other).json()["items"]
    ] == ["post"]
    assert ads_client.get("/timeline/home", headers=fan).json()["items"][0]["text"] == "my post"
    hide = ads_client.post(f"/ads/impressions/{ad['impression_id']}/hide", headers=fan)
    assert hide.json() == {"changed": True}
    assert len(ads_client.get("/timeline/home/feed", headers=fan).json()["items"]) == 1
    snoop = ads_client.post(f"/ads/impressions/{ad['impression_id']}/click", headers=other)
    assert snoop.status_code == 403


def test_a_click_pays_the_platform_from_the_advertisers_wallet(
    ads_client: TestClient, join: Join
) -> None:
    """CPC at 50 fen, alone: it pays the 200 per mille reserve at 1 % CTR, 20 fen a click."""
    brand_id, brand = join("brand", "advertiser")
    operator(
        ads_client,
        "post",
        "/admin/seed/wallets",
        credits=[{"account_id": brand_id, "amount_fen": 500}],
    )
    campaign = launch(ads_client, brand)
    _, fan = join("fan")
    ads_client.post("/posts", json={"text": "my post"}, headers=fan)
    ad = ads_client.get("/timeline/home/feed", headers=fan).json()["items"][1]["ad"]
    click = ads_client.post(f"/ads/impressions/{ad['impression_id']}/click", headers=fan)
    assert click.json() == {"changed": True}
    report = ads_client.get(f"/campaigns/{campaign['id']}/report", headers=brand).json()
    assert (report["impressions"], report["clicks"], report["spent"]) == (1, 1, 20)
    assert ads_client.get(f"/wallets/{brand_id}", headers=brand).json()["balance_fen"] == 480
    audit = operator(ads_client, "get", "/admin/ledger/audit")
    assert audit["balanced"] and audit["platform_revenue_fen"] == 20
    assert operator(ads_client, "get", "/admin/stats/ads")["spent"] == 20
    assert ads_client.get("/admin/stats/ads", headers=fan).status_code == 401
