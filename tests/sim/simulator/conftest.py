"""Small scenarios that run in a fraction of a second, and a helper to run one in-process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from scenario import Scenario, scenario_from_dict
from sim.engine import Outcome, Simulation
from sim.population import Population
from sim.runner import Populations, replication_streams

TINY: dict[str, Any] = {
    "name": "tiny",
    "duration_days": 0.25,
    "start_hour": 18,
    "population": {
        "users": 400,
        "big_v_share": 0.005,
        "medium_v_share": 0.02,
        "groups": {"count": 6, "mean_size": 12},
    },
    "behaviour": {"per_session": {"follow": 0.2, "group_post": 0.2, "group_join": 0.1}},
}


def merged(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """`base` with `changes` merged in, section by section."""
    out = dict(base)
    for key, value in changes.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and key in out else value
    return out


@pytest.fixture
def tiny() -> Callable[..., Scenario]:
    """A tiny scenario, with any section changed by keyword (merged, not replaced)."""

    def make(**changes: Any) -> Scenario:
        return scenario_from_dict(merged(TINY, changes))

    return make


def population_of(scenario: Scenario) -> tuple[Population, np.random.SeedSequence]:
    """The scenario's population and the seed of its first replication, as `simulate` does."""
    ((population_seed, replication_seed),) = replication_streams(scenario.seed, 1)
    _, population = Populations(scenario).draw(population_seed)
    return population, replication_seed


def run_once(scenario: Scenario) -> tuple[Simulation, Outcome]:
    """Run one replication in-process; the simulation stays open for inspection."""
    population, seed = population_of(scenario)
    simulation = Simulation(scenario, population, seed)
    return simulation, simulation.run()
