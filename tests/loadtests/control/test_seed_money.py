"""Seeding the economy: merchants' shops, credited wallets and the game catalogue."""

from __future__ import annotations

from loadtests.control.seed_money import PRODUCT_STOCK
from loadtests.records.seeded import FEN_PER_COIN
from tests.loadtests.conftest import SeededServer


def test_every_ordinary_wallet_holds_the_configured_credit(seeded_server: SeededServer) -> None:
    population, economy = seeded_server.population, seeded_server.economy
    credited = [population.ids[i] for i in population.ordinary]
    assert {account: economy.credits[account] for account in credited} == dict.fromkeys(
        credited, 10_000 * FEN_PER_COIN
    )
    account = credited[0]
    headers = {"Authorization": f"Bearer {seeded_server.tokens[account]}"}
    wallet = seeded_server.client.get(f"/wallets/{account}", headers=headers).json()
    assert wallet["balance_fen"] == economy.credits[account]


def test_merchants_own_shops_of_stocked_priced_products(seeded_server: SeededServer) -> None:
    economy, client = seeded_server.economy, seeded_server.client
    as_user = {"Authorization": f"Bearer {seeded_server.population.tokens[5]}"}
    assert len(economy.merchant_tokens) == 2 and economy.products
    for product in economy.products:
        listed = client.get(f"/products/{product.id}", headers=as_user).json()
        assert listed["merchant_id"] in economy.merchant_tokens
        assert listed["stock"] == PRODUCT_STOCK and listed["price_fen"] == product.price_fen > 0


def test_the_game_items_are_the_servers_catalogue(seeded_server: SeededServer) -> None:
    assert seeded_server.economy.game_items
    assert all(item.price_fen > 0 for item in seeded_server.economy.game_items)
