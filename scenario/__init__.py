"""Scenario files: one YAML file describes a whole experiment (see scenarios/README.md).

    scenario = load_scenario("scenarios/baseline.yaml", ["economy.ads.load=0.15"])

A scenario is a frozen pydantic model; `resolved_dict` gives it with every default filled
in, which is what a Result records.
"""

from outcomes.scenario.errors import Problem, ScenarioError
from outcomes.scenario.loading import (
    load_scenario,
    resolved_dict,
    scenario_from_dict,
    scenario_json_schema,
)
from outcomes.scenario.model import Scenario

__all__ = [
    "Problem",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "resolved_dict",
    "scenario_from_dict",
    "scenario_json_schema",
]
