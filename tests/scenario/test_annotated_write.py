"""Writing a scenario back with fields changed: comments and layout kept, changes commented."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenario import load_scenario
from scenario.annotated_write import write_annotated
from tests.scenario.conftest import WriteScenario

ORIGINAL = """\
# my experiment
name: trial
economy:
  ads:
    load: 0.1   # the default
    ctr_base: 0.02
slos:
  - errors.rate <= 0.01
"""


def test_changed_fields_are_set_commented_and_the_rest_kept(
    write_scenario: WriteScenario, tmp_path: Path
) -> None:
    out = tmp_path / "fitted.yaml"
    changes = {
        "economy.ads.load": (0.25, "fitted: load"),
        "churn.base_daily_hazard": (0.002, "fitted: churn"),
    }
    write_annotated(write_scenario(ORIGINAL), changes, out)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# my experiment\nname: trial\n")
    assert "    load: 0.25  # fitted: load\n" in text
    assert "    ctr_base: 0.02\n" in text
    assert "slos:\n  - errors.rate <= 0.01\n" in text
    assert "churn:\n  base_daily_hazard: 0.002  # fitted: churn\n" in text
    scenario = load_scenario(out)
    assert scenario.economy.ads.load == 0.25 and scenario.economy.ads.ctr_base == 0.02
    assert scenario.churn.base_daily_hazard == 0.002


def test_a_flow_mapping_and_number_keys_are_set_in_place(
    write_scenario: WriteScenario, tmp_path: Path
) -> None:
    source = write_scenario("behaviour:\n  topup:\n    amounts: {6: 0.5, 30: 0.5}\n")
    out = write_annotated(source, {"behaviour.topup.amounts.6": (0.5, "kept")}, tmp_path / "o.yaml")
    assert load_scenario(out).behaviour.topup.amounts == {6: 0.5, 30: 0.5}


def test_an_unwritable_place_is_bad_input(write_scenario: WriteScenario, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot write"):
        write_annotated(write_scenario(ORIGINAL), {}, tmp_path / "missing" / "o.yaml")
