"""Seed what the feed sells: advertisers' campaigns, merchants' promotions, product posts.

Drawn from the scenario as the simulator seeds them (sim/economy.py), with the same pure
rules (scenario.seed_draws), through the public API as the owning account:

- advertisers: `population.advertiser_share` of the seeded accounts (at least one while the
  share is above 0, so the feed can carry ads at `economy.ads.load`), each running
  Poisson(`economy.ads.campaigns_per_advertiser`) campaigns of a creative post of its own;
- promotions: a `economy.commerce.promoted_merchant_share` of the merchants promote a
  product post of their first product;
- product posts: the posts that sell of one day of the influencers' and merchants'
  scheduled posting (`behaviour.posting.*_posts_per_day` × the commerce
  `*_product_post_share`, Poisson): influencers promote any product, for commission;
  merchants their own.

Campaigns run from now until a day after the test; each owner's wallet is credited with the
total budgets of its campaigns. Promoting merchants' credits join the economy's credits, so
the ledger check after the run can tell what their wallets should hold.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

import httpx
import numpy as np

from loadtests.control.seed import as_account, operator_post
from loadtests.control.seed_money import credit_wallets
from loadtests.records.seeded import (
    Priced,
    ProductPostRef,
    SeededCampaign,
    SeededEconomy,
    SeededPopulation,
)
from microblog.ads_models import CampaignKind, CampaignSpec
from scenario import Scenario
from scenario.seed_draws import draw_specs

SECONDS_PER_DAY = 86_400.0
Owner = tuple[int, str, Priced | None]
"""A campaign's owner (account id, token) and the product it promotes (None for an ad)."""


@dataclass(frozen=True)
class _Started:
    campaign: SeededCampaign
    post_id: int
    ref: ProductPostRef | None
    budget_fen: int


def seed_ads(
    client: httpx.Client,
    population: SeededPopulation,
    economy: SeededEconomy,
    scenario: Scenario,
    rng: np.random.Generator,
    max_body_bytes: int,
) -> SeededEconomy:
    """The economy with its campaigns and product posts added (see module docstring)."""
    posts = _influencer_posts(client, population, economy, scenario, rng)
    posts |= _merchant_posts(client, economy, scenario, rng)
    advertisers = _seed_advertisers(client, scenario, len(population.ids))
    counts = rng.poisson(scenario.economy.ads.campaigns_per_advertiser, len(advertisers))
    owners: list[Owner] = [
        (account, token, None)
        for (account, token), count in zip(advertisers.items(), counts.tolist(), strict=True)
        for _ in range(count)
    ]
    started = _campaigns(client, scenario, rng, owners)
    started += _campaigns(client, scenario, rng, _promoting(economy, scenario, rng))
    budgets: dict[int, int] = {}
    for one in started:
        owner = one.campaign.owner_id
        budgets[owner] = budgets.get(owner, 0) + one.budget_fen
    credit_wallets(client, budgets, max_body_bytes)
    merchants = {a: fen for a, fen in budgets.items() if a in economy.merchant_tokens}
    return economy.model_copy(update={
        "credits": economy.credits | merchants,
        "product_posts": posts | {one.post_id: one.ref for one in started if one.ref},
        "campaigns": [one.campaign for one in started],
        "advertiser_tokens": advertisers,
    })  # fmt: skip


def _seed_advertisers(client: httpx.Client, scenario: Scenario, seeded: int) -> dict[int, str]:
    share = scenario.population.advertiser_share
    count = max(1, round(share * seeded)) if share > 0 else 0
    prefix = f"lta{secrets.token_hex(4)}_"
    accounts = [{"name": f"{prefix}{i}", "role": "advertiser"} for i in range(count)]
    created = operator_post(client, "/admin/seed/accounts", {"accounts": accounts}) if count else []
    return {account["id"]: account["token"] for account in created}


def _promoting(economy: SeededEconomy, scenario: Scenario, rng: np.random.Generator) -> list[Owner]:
    """The merchants that promote, each with the first product of its shop."""
    share = scenario.economy.commerce.promoted_merchant_share
    first = {owner: economy.shops[shop][0] for shop, owner in economy.shop_owners.items()}
    merchants = sorted(economy.merchant_tokens)
    chosen = rng.random(len(merchants)) < share
    return [
        (merchant, economy.merchant_tokens[merchant], first[merchant])
        for merchant, promotes in zip(merchants, chosen.tolist(), strict=True)
        if promotes and merchant in first
    ]


def _campaigns(
    client: httpx.Client, scenario: Scenario, rng: np.random.Generator, owners: list[Owner]
) -> list[_Started]:
    specs = draw_specs(scenario, len(owners), rng)
    end = time.time() + scenario.loadtest.run_time_s + SECONDS_PER_DAY
    interests = scenario.population.profile.interests
    return [
        _start(client, owner, spec, end, interests[topic])
        for owner, (topic, spec) in zip(owners, specs, strict=True)
    ]


def _start(
    client: httpx.Client, owner: Owner, spec: CampaignSpec, end: float, topic: str
) -> _Started:
    """Write the creative and start the campaign as its owner."""
    account, token, product = owner
    ref = None
    if product is None:
        kind = CampaignKind.AD
        post_id = int(as_account(client, "POST", "/posts", token, {"text": "ad"})["id"])
    else:
        kind = CampaignKind.PROMOTION
        post_id, ref = _product_post(client, token, product, by_influencer=False)
    body = {
        "kind": kind.value, "post_id": post_id, "bid_type": spec.bid_type.value,
        "bid": spec.bid, "daily_budget": spec.daily_budget, "total_budget": spec.total_budget,
        "start": 0.0, "end": end, "frequency_cap": spec.frequency_cap,
        "targeting": {"interests": spec.targeting.interests},
    }  # fmt: skip
    created = as_account(client, "POST", "/campaigns", token, body)
    campaign = SeededCampaign(id=created["id"], owner_id=account, kind=kind.value, topic=topic)
    return _Started(campaign, post_id, ref, spec.total_budget)


def _influencer_posts(
    client: httpx.Client,
    population: SeededPopulation,
    economy: SeededEconomy,
    scenario: Scenario,
    rng: np.random.Generator,
) -> dict[int, ProductPostRef]:
    """A day of the big V's and medium Vs' product posts, each of any product."""
    posting = scenario.behaviour.posting
    share = scenario.economy.commerce.influencer_product_post_share
    rates = [posting.big_v_posts_per_day] + [posting.medium_v_posts_per_day] * len(
        population.influencers
    )
    authors = [population.big_v, *population.influencers]
    counts = rng.poisson(np.array(rates) * share)
    posts: dict[int, ProductPostRef] = {}
    for author, count in zip(authors, counts.tolist(), strict=True):
        for pick in rng.integers(len(economy.products), size=count).tolist():
            token = population.tokens[author]
            post_id, ref = _product_post(client, token, economy.products[pick], by_influencer=True)
            posts[post_id] = ref
    return posts


def _merchant_posts(
    client: httpx.Client, economy: SeededEconomy, scenario: Scenario, rng: np.random.Generator
) -> dict[int, ProductPostRef]:
    """A day of each merchant's product posts, each of one of its own products."""
    rate = scenario.behaviour.posting.merchant_posts_per_day
    share = scenario.economy.commerce.merchant_product_post_share
    posts: dict[int, ProductPostRef] = {}
    for shop, owner in sorted(economy.shop_owners.items()):
        products = economy.shops[shop]
        for pick in rng.integers(len(products), size=rng.poisson(rate * share)).tolist():
            token = economy.merchant_tokens[owner]
            post_id, ref = _product_post(client, token, products[pick], by_influencer=False)
            posts[post_id] = ref
    return posts


def _product_post(
    client: httpx.Client, token: str, product: Priced, by_influencer: bool
) -> tuple[int, ProductPostRef]:
    path = f"/products/{product.id}/posts"
    posted = as_account(client, "POST", path, token, {"text": f"product {product.id} on sale"})
    ref = ProductPostRef(
        product_id=product.id, price_fen=product.price_fen, by_influencer=by_influencer
    )
    return int(posted["post"]["id"]), ref
