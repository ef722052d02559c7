"""Reading YAML: bad syntax and repeated keys name their line; the top level is a mapping."""

from __future__ import annotations

import pytest

from scenario import ScenarioError, load_scenario
from scenario.yaml_source import line_of, parse_yaml
from tests.scenario.conftest import WriteScenario


def test_invalid_yaml_names_the_file_and_line(write_scenario: WriteScenario) -> None:
    path = write_scenario("name: x\neconomy:\n  ads: load: 0.1\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value).startswith(f"{path}:3: invalid YAML: ")


def test_an_unclosed_bracket_names_where_it_was_opened(write_scenario: WriteScenario) -> None:
    path = write_scenario("slos: [errors.rate <= 0.01\nseed: 1\n")
    with pytest.raises(ScenarioError, match="on line 1"):
        load_scenario(path)


def test_a_key_given_twice_is_an_error_naming_both_lines(write_scenario: WriteScenario) -> None:
    path = write_scenario("economy:\n  ads:\n    load: 0.1\n    load: 0.2\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value) == f"{path}:4: economy.ads.load: key given twice (first on line 3)"


def test_a_top_level_list_is_rejected(write_scenario: WriteScenario) -> None:
    with pytest.raises(ScenarioError, match="must be a mapping of sections, got a list"):
        load_scenario(write_scenario("- population\n- economy\n"))


def test_lines_are_recorded_for_keys_and_list_items() -> None:
    _, lines = parse_yaml("seed: 1\nslos:\n  - a <= 1\n  - b <= 2\n", "<text>")
    assert line_of(lines, ["seed"]) == 1
    assert line_of(lines, ["slos", 1]) == 4


def test_the_line_of_a_path_the_file_omits_is_its_nearest_written_parent() -> None:
    _, lines = parse_yaml("economy:\n  ads: {}\n", "<text>")
    assert line_of(lines, ["economy", "ads", "load"]) == 2
    assert line_of(lines, ["churn"]) is None
