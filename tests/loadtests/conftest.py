"""A seeded in-process server (memory store, instant gateway) for the seeding and ledger checks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pytest
from fastapi.testclient import TestClient

from loadtests.control.seed import follow_graph, seed_groups, seed_population
from loadtests.control.seed_ads import seed_ads
from loadtests.control.seed_apps import seed_apps
from loadtests.control.seed_money import seed_economy
from loadtests.records.seeded import SeededEconomy, SeededPopulation
from microblog.api.app import create_app
from microblog.api.settings import ServerSettings
from microblog.config import PlatformConfig
from microblog.money_config import GatewayConfig, MoneyConfig
from scenario import load_scenario

OPERATOR = "operator-secret"


@dataclass(frozen=True)
class SeededServer:
    client: TestClient
    """Acting as the operator unless a request passes its own Authorization header."""
    population: SeededPopulation
    economy: SeededEconomy

    @property
    def tokens(self) -> dict[int, str]:
        tokens = dict(zip(self.population.ids, self.population.tokens, strict=True))
        return tokens | self.economy.merchant_tokens | self.economy.developer_tokens


@pytest.fixture
def seeded_server() -> Iterator[SeededServer]:
    """40 accounts in 2 groups, 2 merchants with shops, both promoting, an advertiser's
    campaigns, influencers' product posts, credited wallets, the apps (2 normal, 1 medium,
    1 advanced) with 3 users' grants each; ads in half the feed's slots; top-ups never
    decline or wait."""
    scenario = load_scenario(
        "scenarios/ci-smoke.yaml",
        ["loadtest.seed_users=40", "loadtest.big_v_followers=20", "loadtest.influencers=2",
         "loadtest.mean_followees=3", "loadtest.merchants=2",
         "economy.commerce.products_per_merchant=3", "population.groups.count=100",
         "economy.commerce.promoted_merchant_share=1", "economy.ads.campaigns_per_advertiser=3",
         "economy.commerce.influencer_product_post_share=1", "apps.users_per_app=3"],
    )  # fmt: skip
    gateway = GatewayConfig(latency_ms=0, failure_rate=0)
    platform = PlatformConfig(money=MoneyConfig(gateway=gateway), ad_load=0.5)
    settings = ServerSettings(store="memory", operator_token=OPERATOR, platform=platform)
    rng = np.random.default_rng(scenario.seed)
    with TestClient(create_app(settings)) as client:
        client.headers["Authorization"] = f"Bearer {OPERATOR}"
        population = seed_population(
            client, follow_graph(scenario.loadtest, rng), settings.max_body_bytes
        )
        groups = seed_groups(client, population, scenario, rng)
        population = population.model_copy(update={"groups": groups})
        economy = seed_economy(client, population, scenario, rng, settings.max_body_bytes)
        economy = seed_ads(client, population, economy, scenario, rng, settings.max_body_bytes)
        grants, developers = seed_apps(client, population, scenario, rng)
        economy = economy.model_copy(update={"app_grants": grants, "developer_tokens": developers})
        yield SeededServer(client, population, economy)
