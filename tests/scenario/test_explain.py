"""Error messages: bounds, choices, unknown fields and SLOs are explained in plain words."""

from __future__ import annotations

from typing import Any

import pytest

from outcomes.slo import parse_slo
from scenario import ScenarioError, scenario_from_dict


def problems(data: dict[str, Any]) -> dict[str, str]:
    """Path → message of every problem in `data`."""
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(data, "trial.yaml")
    return {problem.path: problem.message for problem in caught.value.problems}


def test_a_share_outside_0_to_1_names_both_bounds_and_the_value() -> None:
    found = problems({"churn": {"targeted_ad_factor": -0.5}})
    assert found == {"churn.targeted_ad_factor": "must be between 0 and 1, got -0.5"}


def test_one_sided_and_half_open_bounds_are_spelt_out() -> None:
    found = problems({"replications": 0, "start_hour": 24, "duration_days": 0})
    assert found == {
        "replications": "must be >= 1, got 0",
        "duration_days": "must be > 0, got 0",
        "start_hour": "must be >= 0 and < 24, got 24",
    }


def test_a_bound_inside_a_map_of_shares_is_found() -> None:
    found = problems({"behaviour": {"chat": {"presence": {"online": 1.2, "busy": -0.2}}}})
    assert found["behaviour.chat.presence.online"] == "must be between 0 and 1, got 1.2"


def test_an_unknown_field_suggests_the_nearest_one() -> None:
    found = problems({"population": {"user": 10}})
    assert found == {"population.user": "unknown field (did you mean 'users'?)"}


def test_an_unknown_field_with_no_near_match_lists_the_known_ones() -> None:
    found = problems({"loadtest": {"spike": {"zzz": 1}}})
    assert (
        found["loadtest.spike.zzz"] == "unknown field (known fields: at_s, duration_s, multiplier)"
    )


def test_a_renamed_field_is_refused_with_its_new_name() -> None:
    """`loadtest.rate_rps` counted actions, not requests: its new name says so."""
    found = problems({"loadtest": {"rate_rps": 40}})
    assert found == {"loadtest.rate_rps": "renamed: write 'rate_actions_per_s' instead"}


def test_a_wrong_choice_lists_the_allowed_ones() -> None:
    found = problems({"loadtest": {"shape": "ramp"}})
    assert found == {
        "loadtest.shape": "must be 'constant', 'steps', 'spike' or 'diurnal', got 'ramp'"
    }


def test_a_wrong_map_key_lists_the_allowed_keys() -> None:
    found = problems({"population": {"profile": {"gender": {"femail": 1.0}}}})
    assert found == {
        "population.profile.gender.femail": "key must be 'female', 'male' or 'undisclosed', "
        "got 'femail'"
    }


def test_a_value_of_the_wrong_type_says_what_was_expected() -> None:
    found = problems({"seed": "lots"})
    assert found["seed"].startswith("must be a valid integer")
    assert found["seed"].endswith("got 'lots'")


@pytest.mark.parametrize("text", ["p99 fast", "latency.timeline_read.p95_ms =< 200", ""])
def test_an_invalid_slo_is_rejected_with_the_slo_error_text(text: str) -> None:
    with pytest.raises(ValueError) as expected:
        parse_slo(text)
    assert problems({"slos": ["errors.rate <= 0.01", text]}) == {"slos[1]": str(expected.value)}
