"""Scenario files: one YAML file describes a whole experiment (see scenarios/README.md).

    scenario = load_scenario("scenarios/baseline.yaml", ["economy.ads.load=0.15"])

A scenario is a frozen pydantic model; `resolved_dict` gives it with every default filled
in, which is what a Result records; `platform_config` turns it into the reference
microblog's settings, the same for a simulation and a load test.
"""

from scenario.errors import Problem, ScenarioError
from scenario.loading import (
    load_scenario,
    resolved_dict,
    scenario_from_dict,
    scenario_json_schema,
)
from scenario.model import Scenario
from scenario.platform_config import platform_config

__all__ = [
    "Problem",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "platform_config",
    "resolved_dict",
    "scenario_from_dict",
    "scenario_json_schema",
]
