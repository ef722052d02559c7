"""Loading scenarios: shipped files validate, defaults round-trip, every problem is reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scenario import (
    Scenario,
    ScenarioError,
    load_scenario,
    resolved_dict,
    scenario_from_dict,
    scenario_json_schema,
)
from tests.scenario.conftest import SCENARIOS, SHIPPED, WriteScenario

SECTIONS = {"population", "behaviour", "economy", "churn", "platform", "slos", "loadtest"}


def test_the_expected_scenarios_are_shipped() -> None:
    names = {path.stem for path in SHIPPED}
    assert names >= {
        "baseline", "celebrity-storm", "ad-load-light", "ad-load-heavy", "commerce-push",
        "singles-day", "ci-smoke", "bench-100k", "bench-1m",
    }  # fmt: skip


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.name)
def test_every_shipped_scenario_validates_and_is_named_after_its_file(path: Path) -> None:
    assert load_scenario(path).name == path.stem


def test_ad_load_scenarios_differ_only_in_ad_load_and_name() -> None:
    light, heavy = (resolved_dict(load_scenario(SCENARIOS / f"ad-load-{kind}.yaml"))
                    for kind in ("light", "heavy"))  # fmt: skip
    assert (light["economy"]["ads"]["load"], heavy["economy"]["ads"]["load"]) == (0.05, 0.15)
    for scenario in (light, heavy):
        del scenario["economy"]["ads"]["load"], scenario["name"], scenario["description"]
    assert light == heavy


def test_defaults_round_trip_through_the_resolved_dict() -> None:
    scenario = Scenario()
    data = json.loads(json.dumps(resolved_dict(scenario)))
    assert scenario_from_dict(data) == scenario


def test_a_shipped_scenario_round_trips_through_its_resolved_dict() -> None:
    scenario = load_scenario(SCENARIOS / "singles-day.yaml")
    assert scenario_from_dict(resolved_dict(scenario)) == scenario


def test_an_empty_file_is_all_defaults_named_after_the_file(
    write_scenario: WriteScenario,
) -> None:
    scenario = load_scenario(write_scenario("", name="quiet"))
    assert scenario == Scenario(name="quiet")


def test_a_missing_file_is_reported_by_name(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    with pytest.raises(ScenarioError, match="nowhere.yaml: no such file"):
        load_scenario(missing)


def test_a_bad_value_names_the_file_the_path_and_the_value(
    write_scenario: WriteScenario,
) -> None:
    path = write_scenario("economy:\n  ads:\n    load: 1.5\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value) == f"{path}:3: economy.ads.load: must be >= 0 and < 1, got 1.5"


def test_every_problem_in_a_file_is_listed_at_once(write_scenario: WriteScenario) -> None:
    path = write_scenario(
        "seed: -1\n"
        "economy:\n  ads:\n    load: 1.5\n    lod: 0.1\n"
        "platform:\n  fanout: sideways\n"
        "slos: ['p99 fast']\n"
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    paths = [problem.path for problem in caught.value.problems]
    assert paths == ["seed", "economy.ads.load", "economy.ads.lod", "platform.fanout", "slos[0]"]
    assert all(line.startswith(str(path)) for line in str(caught.value).splitlines())


def test_a_relative_edge_list_is_read_beside_the_scenario_file(
    write_scenario: WriteScenario, tmp_path: Path
) -> None:
    (tmp_path / "graph.txt").write_text("# follower followee\n1 2\n", encoding="utf-8")
    scenario = load_scenario(
        write_scenario("population:\n  graph:\n    kind: edgelist\n    path: graph.txt\n")
    )
    assert scenario.population.graph.path == str(tmp_path / "graph.txt")


def test_a_missing_edge_list_is_an_error_naming_it(write_scenario: WriteScenario) -> None:
    path = write_scenario("population:\n  graph:\n    kind: edgelist\n    path: gone.txt\n")
    with pytest.raises(ScenarioError, match=r"population\.graph\.path: no such edge list file"):
        load_scenario(path)


def test_the_json_schema_describes_every_top_level_section() -> None:
    schema = scenario_json_schema()
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert set(schema["properties"]) >= SECTIONS
    assert schema["additionalProperties"] is False


def test_the_committed_json_schema_matches_the_models() -> None:
    committed = json.loads((SCENARIOS / "scenario.schema.json").read_text(encoding="utf-8"))
    assert committed == scenario_json_schema()
