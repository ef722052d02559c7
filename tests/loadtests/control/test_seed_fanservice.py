"""Seeding fan services: certified accounts open them, followers subscribe, as the simulator
draws them; the services' statistics become `fanservice.*` after the run."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from fastapi.testclient import TestClient

from loadtests.control.fanservice_stats import (
    ServiceStats,
    fanservice_metrics,
    read_fanservice_stats,
)
from loadtests.control.seed import follow_graph, seed_population
from loadtests.control.seed_fanservice import seed_fanservices, simulated_certified
from loadtests.records.seeded import SeededEconomy, SeededFanServices, SeededPopulation
from microblog.api.app import create_app
from microblog.api.settings import ServerSettings
from scenario import Scenario, load_scenario

OPERATOR = "operator-secret"
SMALL = ["loadtest.seed_users=30", "loadtest.big_v_followers=20", "loadtest.influencers=2",
         "loadtest.mean_followees=2", "behaviour.fanservice.open_share=1",
         "behaviour.fanservice.subscriber_share=0.5"]  # fmt: skip
NO_ECONOMY = SeededEconomy(credits={}, merchant_tokens={}, products=[], game_items=[])
Seeded = tuple[TestClient, SeededPopulation, np.ndarray, SeededFanServices]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def seed(client: TestClient, scenario: Scenario) -> Seeded:
    rng = np.random.default_rng(scenario.seed)
    graph = follow_graph(scenario.loadtest, rng)
    population = seed_population(client, graph, ServerSettings().max_body_bytes)
    services = seed_fanservices(client, population, graph.edges, NO_ECONOMY, scenario, rng)
    return client, population, graph.edges, services


@pytest.fixture
def client() -> Iterator[TestClient]:
    settings = ServerSettings(store="memory", operator_token=OPERATOR)
    with TestClient(create_app(settings)) as client:
        client.headers["Authorization"] = f"Bearer {OPERATOR}"
        yield client


def test_every_certified_account_opens_and_its_followers_are_split(client: TestClient) -> None:
    _, population, edges, seeded = seed(client, load_scenario("scenarios/ci-smoke.yaml", SMALL))
    certified = [population.big_v, *population.influencers]
    assert [s.account_id for s in seeded.services] == [population.ids[i] for i in certified]
    for index in certified:
        service_id = population.ids[index]
        followers = set(edges[edges[:, 1] == index, 0].tolist())
        subscribed = {f for s, f in seeded.subscribed if s == service_id}
        waiting = {f for s, f in seeded.waiting if s == service_id}
        assert subscribed | waiting == followers and not subscribed & waiting
        reader = bearer(population.tokens[-1])
        served = client.get(f"/fanservice/{service_id}", headers=reader).json()
        assert served["subscribers"] == len(subscribed)
    assert 0 < len(seeded.subscribed) < len(seeded.subscribed) + len(seeded.waiting)


def test_no_service_opens_with_a_zero_open_share(client: TestClient) -> None:
    scenario = load_scenario(
        "scenarios/ci-smoke.yaml", [*SMALL, "behaviour.fanservice.open_share=0"]
    )
    _, population, _, seeded = seed(client, scenario)
    assert seeded.services == [] and seeded.waiting == seeded.subscribed == []
    reader = bearer(population.tokens[-1])
    assert client.get(f"/fanservice/{population.ids[0]}", headers=reader).status_code == 404


def test_the_rates_base_is_the_simulators_certified_accounts() -> None:
    """ci-smoke's 2,000 accounts: 1 big V, 10 medium Vs and 20 merchants, with followers."""
    certified, followers = simulated_certified(load_scenario("scenarios/ci-smoke.yaml"))
    assert certified == 31 and followers > 31


def test_broadcast_deliveries_and_lag_come_from_each_services_statistics(
    client: TestClient,
) -> None:
    _, population, _, seeded = seed(client, load_scenario("scenarios/ci-smoke.yaml", SMALL))
    star = seeded.services[0]
    body = {"text": "hello fans", "segment": None}
    assert client.post("/fanservice/broadcasts", json=body, headers=bearer(star.token)).is_success
    metrics = fanservice_metrics(read_fanservice_stats(client, seeded.services, print))
    reached = sum(1 for s, _ in seeded.subscribed if s == star.account_id)
    assert metrics["fanservice.broadcasts"].value == 1
    assert metrics["fanservice.deliveries"].value == reached
    assert metrics["fanservice.services"].value == len(seeded.services)
    assert metrics["fanservice.lag.p99_s"].value >= metrics["fanservice.lag.p50_s"].value >= 0


def test_the_lag_is_the_median_of_medians_and_the_highest_tail() -> None:
    def stats(p50: float | None, p99: float | None) -> ServiceStats:
        return ServiceStats(subscribers=5, broadcasts=2, deliveries=10, pending=0,
                            lag_p50_s=p50, lag_p99_s=p99)  # fmt: skip

    metrics = fanservice_metrics(
        [stats(1.0, 2.0), stats(3.0, 9.0), stats(5.0, 6.0), stats(None, None)]
    )
    assert metrics["fanservice.lag.p50_s"].value == 3.0
    assert metrics["fanservice.lag.p99_s"].value == 9.0
    assert metrics["fanservice.subscribers"].value == 20
    assert fanservice_metrics([]) == {}
