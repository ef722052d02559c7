"""`--set path=value`: overrides change fields as if written, and a wrong path is an error."""

from __future__ import annotations

import pytest

from scenario import ScenarioError, load_scenario
from tests.scenario.conftest import SCENARIOS, WriteScenario

BASELINE = SCENARIOS / "baseline.yaml"


def test_an_override_changes_the_value_it_names() -> None:
    scenario = load_scenario(BASELINE, ["economy.ads.load=0.15", "platform.fanout=pull"])
    assert scenario.economy.ads.load == 0.15
    assert scenario.platform.fanout == "pull"


def test_override_values_are_read_as_yaml() -> None:
    scenario = load_scenario(
        BASELINE,
        ["slos=[errors.rate <= 0.02]", "platform.capacity={app_servers: 16}", "seed=7"],
    )
    assert scenario.slos == ["errors.rate <= 0.02"]
    assert scenario.platform.capacity.app_servers == 16
    assert scenario.seed == 7


def test_an_override_reaches_a_section_the_file_does_not_mention() -> None:
    scenario = load_scenario(BASELINE, ["churn.base_daily_hazard=0.02"])
    assert scenario.churn.base_daily_hazard == 0.02


def test_an_override_sets_one_key_of_a_map_with_number_keys(
    write_scenario: WriteScenario,
) -> None:
    path = write_scenario("behaviour:\n  topup:\n    amounts: {6: 0.5, 30: 0.5}\n")
    scenario = load_scenario(
        path, ["behaviour.topup.amounts.6=0.25", "behaviour.topup.amounts.30=0.75"]
    )
    assert scenario.behaviour.topup.amounts == {6: 0.25, 30: 0.75}


def test_an_unknown_path_is_an_error_naming_it_and_the_nearest_field() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(BASELINE, ["economy.ads.lod=0.1"])
    assert "economy.ads.lod" in str(caught.value)
    assert "did you mean 'load'?" in str(caught.value)


def test_a_path_below_a_plain_value_is_an_error() -> None:
    with pytest.raises(ScenarioError, match=r"economy\.ads\.load has no fields to set"):
        load_scenario(BASELINE, ["economy.ads.load.x=1"])


def test_a_path_into_a_list_is_an_error_asking_for_the_whole_list() -> None:
    with pytest.raises(ScenarioError, match="slos is a list; set it whole"):
        load_scenario(BASELINE, ["slos.0=errors.rate <= 1"])


def test_an_override_without_equals_sign_is_an_error() -> None:
    with pytest.raises(ScenarioError, match="is not dotted.path=value"):
        load_scenario(BASELINE, ["economy.ads.load"])


def test_a_bad_overridden_value_says_it_came_from_set() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(BASELINE, ["economy.ads.load=1.5"])
    assert str(caught.value).endswith(
        "economy.ads.load: must be >= 0 and < 1, got 1.5 (from --set)"
    )


def test_override_problems_and_file_problems_are_reported_together(
    write_scenario: WriteScenario,
) -> None:
    path = write_scenario("seed: -1\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, ["economy.ads.lod=0.1"])
    assert [problem.path for problem in caught.value.problems] == ["economy.ads.lod", "seed"]


def test_a_program_may_pass_overrides_as_a_mapping_of_parsed_values() -> None:
    scenario = load_scenario(BASELINE, {"economy.ads.load": 0.05, "platform.fanout": "push"})
    assert (scenario.economy.ads.load, scenario.platform.fanout) == (0.05, "push")


def test_an_override_value_that_is_not_yaml_is_an_error_naming_the_path() -> None:
    with pytest.raises(ScenarioError, match=r"slos: --set: value '\[a' is not YAML"):
        load_scenario(BASELINE, ["slos=[a"])


def test_an_override_of_a_renamed_field_tells_the_new_name() -> None:
    with pytest.raises(
        ScenarioError, match="loadtest.rate_rps: --set: renamed: write 'rate_actions_per_s'"
    ):
        load_scenario(BASELINE, ["loadtest.rate_rps=40"])
