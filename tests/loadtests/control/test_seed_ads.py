"""Seeding what the feed sells: campaigns, promotions and product posts, paid for in full."""

from __future__ import annotations

from tests.loadtests.conftest import SeededServer


def _as(seeded_server: SeededServer, account: int) -> dict[str, str]:
    return {"Authorization": f"Bearer {seeded_server.tokens.get(account, '')}"}


def test_every_merchant_promotes_a_product_post_of_its_own(seeded_server: SeededServer) -> None:
    economy, client = seeded_server.economy, seeded_server.client
    promotions = [c for c in economy.campaigns if c.kind == "promotion"]
    assert sorted(c.owner_id for c in promotions) == sorted(economy.merchant_tokens)
    for campaign in promotions:
        headers = {"Authorization": f"Bearer {economy.merchant_tokens[campaign.owner_id]}"}
        served = client.get(f"/campaigns/{campaign.id}", headers=headers).json()
        link = client.get(f"/posts/{served['post_id']}/product", headers=headers).json()
        assert served["status"] == "active"
        assert economy.product_posts[served["post_id"]].product_id == link["product_id"]


def test_advertisers_run_ads_priced_from_the_scenario(seeded_server: SeededServer) -> None:
    ads = [c for c in seeded_server.economy.campaigns if c.kind == "ad"]
    assert ads and all(c.owner_id not in seeded_server.economy.credits for c in ads)


def test_promoting_merchants_are_credited_their_campaigns_budgets(
    seeded_server: SeededServer,
) -> None:
    economy, client = seeded_server.economy, seeded_server.client
    for merchant, token in economy.merchant_tokens.items():
        wallet = client.get(f"/wallets/{merchant}", headers={"Authorization": f"Bearer {token}"})
        assert wallet.json()["balance_fen"] == economy.credits[merchant] > 0


def test_influencers_product_posts_pay_them_commission(seeded_server: SeededServer) -> None:
    economy, population = seeded_server.economy, seeded_server.population
    by_influencer = [p for p in economy.product_posts.values() if p.by_influencer]
    assert by_influencer
    post_id = next(i for i, p in economy.product_posts.items() if p.by_influencer)
    buyer = population.ids[population.ordinary[0]]
    body = {"product_id": economy.product_posts[post_id].product_id, "post_id": post_id}
    headers = {**_as(seeded_server, buyer), "Idempotency-Key": "seeded-commission"}
    order = seeded_server.client.post("/orders", json=body, headers=headers).json()
    assert order["influencer_id"] is not None and order["influencer_fen"] > 0


def test_the_feed_carries_the_seeded_ads(seeded_server: SeededServer) -> None:
    population = seeded_server.population
    viewer = population.ids[population.ordinary[3]]
    feed = seeded_server.client.get("/timeline/home/feed", headers=_as(seeded_server, viewer))
    assert any(item["ad"] is not None for item in feed.json()["items"])
