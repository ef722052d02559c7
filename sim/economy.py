"""Seed the economy: merchants' shops and products, advertisers' campaigns, merchants' promotions.

Runs once per replication after the accounts are loaded, on a random stream of its own (so
the people's behaviour draws are the same whatever the economy holds), through the
microblog's own services: shops and products in one `shops.seed` transaction; one creative
post and one `create_campaign` per campaign; and the owners' wallets funded through the
ledger (`payments.seed_credits`) with what their campaigns may spend.

- Every merchant opens a shop with `1 + Poisson(products_per_merchant − 1)` products, priced
  log-normally (median `price_median`, sigma `price_sigma`) and stocked to the platform's
  `max_stock`. A merchant sells in one topic, an interest drawn with the profiles' Zipf
  popularity.
- Every advertiser runs `Poisson(campaigns_per_advertiser)` campaigns; a
  `promoted_merchant_share` of merchants runs one promotion of a product post. Each draws
  its topic, targeting, pricing and budgets as the load test does (scenario.seed_draws);
  campaigns run from the start to a day past the end of the run.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from microblog.ads_models import CampaignKind, CampaignSpec
from microblog.platform import Microblog
from microblog.services.shops import NewProduct, NewShop
from scenario import Scenario
from scenario.seed_draws import FEN_PER_YUAN, draw_specs, topics
from sim.arrivals import SECONDS_PER_DAY
from sim.population import Kind, Population


@dataclass(frozen=True)
class Catalogue:
    """Every product on sale, in merchant order: product i belongs to merchant `merchant[i]`."""

    product_ids: np.ndarray
    merchant: np.ndarray
    """Population row of each product's merchant."""
    topic: np.ndarray
    """Interest code (index into the profile catalogue) of each product."""
    price_fen: np.ndarray
    shop_ids: dict[int, int]
    """Shop id of each merchant row."""

    @property
    def size(self) -> int:
        return self.product_ids.size


@dataclass
class CampaignPlan:
    """A running campaign as its owner sees it: what it bought and on which topic."""

    id: int
    owner_row: int
    topic: int
    spec: CampaignSpec


@dataclass(frozen=True)
class Economy:
    catalogue: Catalogue
    campaigns: list[CampaignPlan]


def seed_economy(
    blog: Microblog,
    scenario: Scenario,
    population: Population,
    first_account: int,
    rng: np.random.Generator,
    holds: Callable[[int], bool],
) -> Economy:
    """Open the shops and start the campaigns, funding through the ledger the owners whose
    wallets it `holds` (by population row: a shard funds only its own accounts')."""
    catalogue = seed_shops(blog, scenario, population, first_account, rng)
    end = blog.ctx.clock() + (math.ceil(scenario.duration_days) + 1) * SECONDS_PER_DAY
    campaigns = seed_ads(blog, scenario, population, first_account, end, rng)
    campaigns += seed_promotions(blog, scenario, catalogue, first_account, end, rng)
    fund(blog, [plan for plan in campaigns if holds(plan.owner_row)], first_account)
    return Economy(catalogue, campaigns)


def seed_shops(
    blog: Microblog,
    scenario: Scenario,
    population: Population,
    first_account: int,
    rng: np.random.Generator,
) -> Catalogue:
    commerce = scenario.economy.commerce
    merchants = population.rows_of(Kind.MERCHANT)
    counts = 1 + rng.poisson(commerce.products_per_merchant - 1.0, merchants.size)
    mu = math.log(commerce.price_median) + math.log(FEN_PER_YUAN)
    money = blog.config.money
    prices = np.clip(np.rint(rng.lognormal(mu, commerce.price_sigma, counts.sum())), 1,
                     money.max_amount_fen).astype(np.int64)  # fmt: skip
    merchant_topic = topics(scenario, merchants.size, rng)
    bounds = np.concatenate(([0], np.cumsum(counts))).tolist()
    shops = [
        NewShop(
            int(first_account + row),
            f"shop {row}",
            [
                NewProduct(f"product {i}", price, money.max_stock)
                for i, price in enumerate(prices[bounds[m] : bounds[m + 1]].tolist())
            ],
        )  # fmt: skip
        for m, row in enumerate(merchants.tolist())
    ]
    seeded = blog.shops.seed(shops)
    return Catalogue(
        product_ids=np.array([p.id for _, products in seeded for p in products], dtype=np.int64),
        merchant=np.repeat(merchants, counts),
        topic=np.repeat(merchant_topic, counts),
        price_fen=prices,
        shop_ids={int(row): shop.id for row, (shop, _) in zip(merchants, seeded, strict=True)},
    )


def seed_ads(
    blog: Microblog,
    scenario: Scenario,
    population: Population,
    first_account: int,
    end: float,
    rng: np.random.Generator,
) -> list[CampaignPlan]:
    """Advertisers' campaigns, each with a creative post of its own."""
    advertisers = population.rows_of(Kind.ADVERTISER)
    counts = rng.poisson(scenario.economy.ads.campaigns_per_advertiser, advertisers.size)
    owners = np.repeat(advertisers, counts).tolist()
    specs = draw_specs(scenario, len(owners), rng)
    plans = []
    for index, (row, (topic, spec)) in enumerate(zip(owners, specs, strict=True)):
        owner = first_account + row
        spec.post_id = blog.posts.create(owner, f"ad {index}").id
        plans.append(start(blog, owner, row, topic, spec, end))
    return plans


def seed_promotions(
    blog: Microblog,
    scenario: Scenario,
    catalogue: Catalogue,
    first_account: int,
    end: float,
    rng: np.random.Generator,
) -> list[CampaignPlan]:
    """Promotions of one product post each by a share of the merchants, in their topic."""
    merchants = np.array(sorted(catalogue.shop_ids), dtype=np.int64)
    share = scenario.economy.commerce.promoted_merchant_share
    promoting = merchants[rng.random(merchants.size) < share].tolist()
    specs = draw_specs(scenario, len(promoting), rng)
    first_product = np.searchsorted(catalogue.merchant, promoting)
    plans = []
    for row, index, (_, spec) in zip(promoting, first_product.tolist(), specs, strict=True):
        owner = first_account + row
        product_id = int(catalogue.product_ids[index])
        post, _ = blog.shops.post_product(owner, product_id, f"promoted product {product_id}")
        spec.post_id, spec.kind = post.id, CampaignKind.PROMOTION
        plans.append(start(blog, owner, row, int(catalogue.topic[index]), spec, end))
    return plans


def start(
    blog: Microblog, owner: int, row: int, topic: int, spec: CampaignSpec, end: float
) -> CampaignPlan:
    spec.start, spec.end = blog.ctx.clock(), end
    campaign = blog.ads.create_campaign(owner, spec)
    return CampaignPlan(campaign.id, row, topic, spec)


def fund(blog: Microblog, campaigns: list[CampaignPlan], first_account: int) -> None:
    """Credit each owner with all its campaigns may spend, in credits the ledger accepts."""
    owed: dict[int, int] = {}
    for plan in campaigns:
        owner = first_account + plan.owner_row
        owed[owner] = owed.get(owner, 0) + plan.spec.total_budget
    most = blog.config.money.max_amount_fen
    credits = [
        (owner, min(most, total - done))
        for owner, total in owed.items()
        for done in range(0, total, most)
    ]
    if credits:
        blog.payments.seed_credits(credits)
