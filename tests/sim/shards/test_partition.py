"""The partition deals accounts evenly, big Vs first; seeds are per shard, one shard's the run's."""

from __future__ import annotations

import numpy as np

from scenario import load_scenario
from sim.population import Population
from sim.runner import Populations, replication_streams
from sim.shards.partition import owners, sharding_streams


def _population() -> tuple[Population, np.random.SeedSequence]:
    scenario = load_scenario("scenarios/ci-smoke.yaml")
    ((population_seed, run_seed),) = replication_streams(scenario.seed, 1)
    return Populations(scenario).draw(population_seed)[1], run_seed


def test_shards_hold_equal_numbers_of_accounts_and_of_the_most_followed() -> None:
    population, run_seed = _population()
    owner = owners(population, 3, sharding_streams(run_seed, 3)[0])
    assert np.ptp(np.bincount(owner, minlength=3)) <= 1
    followers = np.bincount(population.follows.indices, minlength=population.size)
    top = followers > np.sort(followers)[-31]  # a prefix of the dealing order: no ties cut
    assert top.sum() >= 20
    assert np.ptp(np.bincount(owner[top], minlength=3)) <= 1


def test_the_partition_is_fixed_by_the_seed() -> None:
    population, run_seed = _population()
    first = owners(population, 2, sharding_streams(run_seed, 2)[0])
    again = owners(population, 2, sharding_streams(run_seed, 2)[0])
    other = owners(population, 2, np.random.SeedSequence(7))
    assert (first == again).all()
    assert not (first == other).all()


def test_one_shard_owns_everyone_and_draws_with_the_replications_own_seed() -> None:
    population, run_seed = _population()
    assert (owners(population, 1, np.random.SeedSequence(1)) == 0).all()
    assert sharding_streams(run_seed, 1)[2] == [run_seed]


def test_shards_draw_from_distinct_streams() -> None:
    _, run_seed = _population()
    seeds = sharding_streams(run_seed, 3)[2]
    draws = {np.random.default_rng(seed).random() for seed in seeds}
    assert len(draws) == 3
    assert np.random.default_rng(run_seed).random() not in draws
