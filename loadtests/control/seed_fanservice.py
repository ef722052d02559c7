"""Seed the load test's fan services: certified accounts open them, followers subscribe.

As sim/activities/fanservice.py draws them, from the same `behaviour.fanservice` fields:
each certified seeded account (the big V, the medium Vs and the merchants, all certified by
the operator's bulk seeding) opens a service with probability `open_share`, and each of its
followers in the seeded graph is subscribed with probability `subscriber_share` (a platform
running since 2013 has subscribers already). Both go through the public API as the account
and as each follower (`POST /fanservice`, `PUT /fanservice/{id}/subscription`), before the
test, so they stay out of the measured request mix as the simulator's seeding does. The
merchants, seeded apart from the follow graph, have no followers to subscribe.

The load test's rates are the simulator's (loadtests.generator.session_mix), which depend
on how many certified accounts the simulated population has and how many followers they
have there: the seeded population is far smaller and differently shaped, so
`simulated_certified` draws the simulator's own population (its first replication's, from
the scenario's seed) and counts them.
"""

from __future__ import annotations

import httpx
import numpy as np

from loadtests.control.seed import as_account
from loadtests.records.seeded import (
    SeededEconomy,
    SeededFanService,
    SeededFanServices,
    SeededPopulation,
)
from scenario import Scenario
from sim.activities.fanservice import CERTIFIED
from sim.runner import Populations, replication_streams


def seed_fanservices(
    client: httpx.Client,
    population: SeededPopulation,
    edges: np.ndarray,
    economy: SeededEconomy,
    scenario: Scenario,
    rng: np.random.Generator,
) -> SeededFanServices:
    """Open the services and subscribe their first followers; `edges` are the seeded
    graph's [follower, followee] index pairs (loadtests.control.seed.SeedGraph)."""
    config = scenario.behaviour.fanservice
    certified = _certified(population, economy)
    opened = [c for c, draw in zip(certified, rng.random(len(certified)), strict=True)
              if draw < config.open_share]  # fmt: skip
    for _, token in opened:
        as_account(client, "POST", "/fanservice", token)
    pairs = _follower_pairs(population, edges, [account for account, _ in opened])
    took = (rng.random(len(pairs)) < config.subscriber_share).tolist()
    subscribed = [pair for pair, chosen in zip(pairs, took, strict=True) if chosen]
    for service, follower in subscribed:
        as_account(
            client, "PUT", f"/fanservice/{service}/subscription", population.tokens[follower]
        )
    simulated, followers = simulated_certified(scenario)
    return SeededFanServices(
        services=[SeededFanService(account_id=a, token=t) for a, t in opened],
        waiting=[pair for pair, chosen in zip(pairs, took, strict=True) if not chosen],
        subscribed=subscribed,
        simulated_certified=simulated,
        simulated_followers=followers,
    )


def simulated_certified(scenario: Scenario) -> tuple[int, int]:
    """The certified accounts of the simulator's population and their followers there."""
    (streams,) = replication_streams(scenario.seed, 1)
    _, population = Populations(scenario).draw(streams[0])
    rows = np.flatnonzero(np.isin(population.kind, CERTIFIED))
    return rows.size, int(population.initial_followers[rows].sum())


def _certified(population: SeededPopulation, economy: SeededEconomy) -> list[tuple[int, str]]:
    """(account id, token) of every certified account: the big V, medium Vs, merchants."""
    influencers = [population.big_v, *population.influencers]
    accounts = [(population.ids[i], population.tokens[i]) for i in influencers]
    return accounts + sorted(economy.merchant_tokens.items())


def _follower_pairs(
    population: SeededPopulation, edges: np.ndarray, services: list[int]
) -> list[tuple[int, int]]:
    """(service account id, follower index) for every follower of the services."""
    index = {account: i for i, account in enumerate(population.ids)}
    pairs = []
    for service in services:
        if service not in index:
            continue  # a merchant: outside the follow graph
        followers = edges[edges[:, 1] == index[service], 0]
        pairs += [(service, int(follower)) for follower in np.sort(followers).tolist()]
    return pairs
