"""Shops, orders and games over HTTP: the merchant's journey and who may change what."""

from fastapi.testclient import TestClient

from tests.microblog.api.money_http import Caller, balance, fund, seed, users


def merchant_and_star(client: TestClient) -> tuple[Caller, Caller]:
    merchant, star = seed(
        client,
        {"name": "grocer", "role": "merchant"},
        {"name": "star", "role": "influencer", "tier": "big_v"},
    )
    return merchant, star


def open_shop_with_tea(client: TestClient, merchant: Caller) -> tuple[int, int]:
    shop = client.post("/shops", json={"name": "Tea House"}, headers=merchant.headers)
    assert shop.status_code == 201, shop.text
    product = client.post(
        f"/shops/{shop.json()['id']}/products",
        json={"name": "green tea", "price_fen": 1000, "stock": 5},
        headers=merchant.headers,
    )
    assert product.status_code == 201, product.text
    return shop.json()["id"], product.json()["id"]


def test_a_buyer_orders_through_an_influencer_post_and_the_merchant_refunds(
    client: TestClient,
) -> None:
    merchant, star = merchant_and_star(client)
    (buyer,) = users(client, "ann")
    fund(client, buyer, 5000)
    shop_id, product_id = open_shop_with_tea(client, merchant)
    promo = client.post(
        f"/products/{product_id}/posts", json={"text": "so good"}, headers=star.headers
    )
    assert promo.status_code == 201 and promo.json()["link"]["influencer_id"] == star.id
    post_id = promo.json()["post"]["id"]
    assert (
        client.get(f"/posts/{post_id}/product", headers=buyer.headers).json()
        == promo.json()["link"]
    )
    body = {"product_id": product_id, "quantity": 2, "post_id": post_id}
    order = client.post("/orders", json=body, headers=buyer.keyed())
    assert order.status_code == 201, order.text
    paid = order.json()
    assert (paid["amount_fen"], paid["platform_fen"], paid["influencer_fen"]) == (2000, 100, 400)
    assert (balance(client, buyer), balance(client, star), balance(client, merchant)) == (
        3000,
        400,
        1500,
    )
    assert client.get(f"/products/{product_id}", headers=buyer.headers).json()["stock"] == 3
    assert [o["id"] for o in client.get("/me/orders", headers=buyer.headers).json()["items"]] == [
        paid["id"]
    ]
    assert client.get(f"/shops/{shop_id}/orders", headers=merchant.headers).json()["items"] == [
        paid
    ]
    refund = client.post(f"/orders/{paid['id']}/refund", headers=merchant.keyed())
    assert refund.status_code == 200 and refund.json()["status"] == "refunded"
    assert (balance(client, buyer), balance(client, star), balance(client, merchant)) == (
        5000,
        0,
        0,
    )
    assert client.get(f"/products/{product_id}", headers=buyer.headers).json()["stock"] == 5


def test_changing_another_merchants_shop_or_refunding_their_order_is_forbidden(
    client: TestClient,
) -> None:
    merchant, rival = seed(
        client, {"name": "grocer", "role": "merchant"}, {"name": "rival", "role": "merchant"}
    )
    (buyer,) = users(client, "ann")
    fund(client, buyer, 5000)
    shop_id, product_id = open_shop_with_tea(client, merchant)
    order = client.post("/orders", json={"product_id": product_id}, headers=buyer.keyed()).json()
    attempts = [
        client.post(f"/shops/{shop_id}/products", json={"name": "x", "price_fen": 1, "stock": 1},
                    headers=rival.headers),
        client.patch(f"/products/{product_id}", json={"price_fen": 1}, headers=rival.headers),
        client.post(f"/orders/{order['id']}/refund", headers=rival.keyed()),
        client.post(f"/orders/{order['id']}/refund", headers=buyer.keyed()),
        client.get(f"/shops/{shop_id}/orders", headers=rival.headers),
        client.post("/shops", json={"name": "stall"}, headers=buyer.headers),
    ]  # fmt: skip
    assert [a.status_code for a in attempts] == [403] * 6
    assert client.get(f"/products/{product_id}", headers=buyer.headers).json()["price_fen"] == 1000
    assert balance(client, buyer) == 4000


def test_stock_and_coins_that_run_short_get_409(client: TestClient) -> None:
    merchant, _ = merchant_and_star(client)
    (buyer,) = users(client, "ann")
    fund(client, buyer, 2500)
    _, product_id = open_shop_with_tea(client, merchant)
    too_many = client.post(
        "/orders", json={"product_id": product_id, "quantity": 6}, headers=buyer.keyed()
    )
    assert too_many.status_code == 409 and too_many.json()["field"] == "quantity"
    too_dear = client.post(
        "/orders", json={"product_id": product_id, "quantity": 3}, headers=buyer.keyed()
    )
    assert too_dear.status_code == 409 and "short by 5.00 coins" in too_dear.json()["message"]
    bad = client.post(
        "/orders", json={"product_id": product_id, "quantity": 0.5}, headers=buyer.keyed()
    )
    assert bad.status_code == 422 and bad.json()["field"] == "quantity"


def test_buying_a_game_item_over_http(client: TestClient) -> None:
    (ann,) = users(client, "ann")
    fund(client, ann, 100_000)
    games = client.get("/games", headers=ann.headers).json()
    assert len(games) == 47
    item = games[0]["items"][0]
    headers = ann.keyed()
    bought = client.post(
        f"/games/items/{item['id']}/purchases", json={"quantity": 2}, headers=headers
    )
    again = client.post(
        f"/games/items/{item['id']}/purchases", json={"quantity": 2}, headers=headers
    )
    assert bought.status_code == again.status_code == 201 and bought.json() == again.json()
    assert bought.json()["developer_fen"] + bought.json()["platform_fen"] == 2 * item["price_fen"]
    assert balance(client, ann) == 100_000 - 2 * item["price_fen"]
