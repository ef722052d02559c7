"""One scenario, one platform: both modes run the microblog under `platform_config`."""

from __future__ import annotations

from pathlib import Path

import pytest

from loadtests.control.server import Deployment, server_settings
from microblog.api.settings import ServerSettings
from scenario import load_scenario, platform_config, scenario_from_dict
from scenario.loadtest import ServerShape
from sim.engine import Simulation
from tests.sim.simulator.conftest import TINY, population_of

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda path: path.stem)
def test_the_load_test_server_reads_the_simulators_platform_settings(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = platform_config(load_scenario(path))
    settings = server_settings(expected, Deployment("memory"), "operator", ServerShape())
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    assert ServerSettings().platform == expected


def test_the_simulated_microblog_runs_under_the_scenarios_platform_settings() -> None:
    scenario = scenario_from_dict({**TINY, "economy": {"ads": {"load": 0.2}}})
    population, seed = population_of(scenario)
    simulation = Simulation(scenario, population, seed)
    assert simulation.world.blog.ctx.config == platform_config(scenario)


def test_the_scenarios_economy_reaches_the_platform() -> None:
    scenario = load_scenario(
        SCENARIOS[0], ["economy.ads.load=0.3", "economy.commerce.platform_commission=0.07"]
    )
    config = platform_config(scenario)
    assert config.ad_load == 0.3
    assert config.money.commerce_commission == 0.07
    assert config.money.gateway.seed == scenario.seed


def test_the_apps_section_sets_the_pre_authorised_cap_in_fen() -> None:
    scenario = load_scenario(SCENARIOS[0], ["apps.preauthorized_max_coins=7"])
    assert platform_config(scenario).apps.preauthorized_max_fen == 700
