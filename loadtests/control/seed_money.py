"""Seed the economy a payment load test spends in, through the operator endpoints.

Merchants: `loadtest.merchants` accounts with the merchant role, each opening a shop with
1 + Poisson(`economy.commerce.products_per_merchant` - 1) products priced log-normally
(`economy.commerce.price_median`, `price_sigma`) and stocked with PRODUCT_STOCK units.
Wallets: every ordinary seeded account is credited `loadtest.wallet_credit_coins` (a
ledger transfer of kind `seed`). Game items: the server's own catalogue, as listed.
"""

from __future__ import annotations

import secrets

import httpx
import numpy as np

from loadtests.control.seed import batches, operator_post
from loadtests.records.seeded import FEN_PER_COIN, Priced, SeededEconomy, SeededPopulation
from microblog.money_config import MoneyConfig
from scenario import Scenario

CREDITS_PER_CALL = 5000
"""Most credits `POST /admin/seed/wallets` takes in one call."""
PRODUCT_STOCK = MoneyConfig().max_stock
"""Units of each seeded product: as many as the server allows, so no order runs out."""
MAX_PRODUCTS = 1000
"""Most products `POST /admin/seed/shops` takes per shop."""
MAX_AMOUNT_FEN = MoneyConfig().max_amount_fen
"""Largest price the server accepts (its default money configuration)."""


def seed_economy(
    client: httpx.Client,
    population: SeededPopulation,
    scenario: Scenario,
    rng: np.random.Generator,
    max_body_bytes: int,
) -> SeededEconomy:
    """Create the merchants and their shops, credit the wallets, read the game catalogue."""
    merchants = _seed_merchants(client, scenario.loadtest.merchants)
    shops = [_shop_body(owner, scenario, rng) for owner in merchants]
    seeded = operator_post(client, "/admin/seed/shops", {"shops": shops})
    stock = {s["shop"]["id"]: [Priced.model_validate(p) for p in s["products"]] for s in seeded}
    credit_fen = round(scenario.loadtest.wallet_credit_coins * FEN_PER_COIN)
    credits = {population.ids[i]: credit_fen for i in population.ordinary}
    credit_wallets(client, credits, max_body_bytes)
    return SeededEconomy(
        credits=credits,
        merchant_tokens=merchants,
        products=[product for products in stock.values() for product in products],
        game_items=_game_items(client, population.tokens[0]),
        shops=stock,
        shop_owners={s["shop"]["id"]: s["shop"]["owner_id"] for s in seeded},
    )


def credit_wallets(client: httpx.Client, credits: dict[int, int], max_body_bytes: int) -> None:
    """Credit each account its fen, in credits no larger than the server accepts."""
    items = [
        {"account_id": account, "amount_fen": min(MAX_AMOUNT_FEN, total - done)}
        for account, total in credits.items()
        for done in range(0, total, MAX_AMOUNT_FEN)
    ]
    for batch in batches(items, CREDITS_PER_CALL, max_body_bytes):
        operator_post(client, "/admin/seed/wallets", {"credits": batch})


def _seed_merchants(client: httpx.Client, count: int) -> dict[int, str]:
    prefix = f"ltm{secrets.token_hex(4)}_"
    accounts = [{"name": f"{prefix}{i}", "role": "merchant"} for i in range(count)]
    created = operator_post(client, "/admin/seed/accounts", {"accounts": accounts})
    return {account["id"]: account["token"] for account in created}


def _shop_body(owner_id: int, scenario: Scenario, rng: np.random.Generator) -> dict[str, object]:
    commerce = scenario.economy.commerce
    count = min(1 + int(rng.poisson(max(commerce.products_per_merchant - 1, 0))), MAX_PRODUCTS)
    prices = rng.lognormal(np.log(commerce.price_median), commerce.price_sigma, count)
    products = [
        {"name": f"product {n}", "price_fen": _fen(price), "stock": PRODUCT_STOCK}
        for n, price in enumerate(prices)
    ]
    return {"owner_id": owner_id, "name": f"shop of {owner_id}", "products": products}


def _fen(yuan: float) -> int:
    return int(min(max(round(yuan * FEN_PER_COIN), 1), MAX_AMOUNT_FEN))


def _game_items(client: httpx.Client, token: str) -> list[Priced]:
    """Every item of the server's game catalogue (listed as any account)."""
    response = client.get("/games", headers={"Authorization": f"Bearer {token}"})
    response.raise_for_status()
    return [Priced.model_validate(item) for game in response.json() for item in game["items"]]
