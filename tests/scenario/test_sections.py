"""Rules that span fields of a section: shares add up, clocks fit, shapes have parameters."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from scenario import Scenario, ScenarioError, scenario_from_dict
from scenario.behaviour import DEFAULT_DIURNAL


def rejected(data: dict[str, Any]) -> str:
    """The error text for `data`, which must be invalid."""
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(data)
    return str(caught.value)


def test_defaults_are_valid_and_cite_their_headline_sources() -> None:
    scenario = Scenario()
    assert scenario.population.graph.follower_exponent == pytest.approx(2.276)
    assert scenario.behaviour.posting.top_post_share == 0.8
    assert "Kwak" in Scenario.model_json_schema()["$defs"]["GraphConfig"]["properties"][
        "follower_exponent"]["description"]  # fmt: skip


def test_the_default_diurnal_curve_peaks_in_the_evening_at_about_twice_the_trough() -> None:
    peak, trough = (
        DEFAULT_DIURNAL.index(max(DEFAULT_DIURNAL)),
        DEFAULT_DIURNAL.index(min(DEFAULT_DIURNAL)),
    )
    assert 21 <= peak <= 22 and 4 <= trough <= 5
    assert 1.8 <= max(DEFAULT_DIURNAL) / min(DEFAULT_DIURNAL) <= 2.3


def test_a_loaded_scenario_cannot_be_changed() -> None:
    with pytest.raises(ValidationError):
        Scenario().seed = 1  # type: ignore[misc]


def test_shares_of_a_whole_must_add_up_to_one() -> None:
    data = {
        "behaviour": {"topup": {"channels": {"online_banking": 0.5, "third_party_wallet": 0.6}}}
    }
    assert "behaviour.topup.channels: shares must add up to 1, got 1.1" in rejected(data)


def test_the_diurnal_curve_has_24_non_negative_weights_not_all_zero() -> None:
    assert "at least 24 items" in rejected({"behaviour": {"diurnal": [1.0] * 23}})
    assert "behaviour.diurnal[3]: must be >= 0" in rejected(
        {"behaviour": {"diurnal": [1.0] * 3 + [-1.0] + [1.0] * 20}}
    )
    assert "at least one weight" in rejected({"behaviour": {"diurnal": [0.0] * 24}})


def test_warmup_must_be_shorter_than_the_run_and_events_must_fall_inside_it() -> None:
    assert "warmup_days must be shorter" in rejected({"duration_days": 1, "warmup_days": 1})
    late = {"duration_days": 0.5, "events": [{"at_hours": 13}]}
    message = rejected(late)
    assert "start after the run ends at 12 h" in message and "events=[]" in message


def test_influencer_followings_must_fit_the_mean_followees() -> None:
    assert "follows per user" in rejected({"population": {"users": 1_000_000}})


def test_role_shares_cannot_exceed_the_population() -> None:
    assert "add up to over 1" in rejected(
        {"population": {"merchant_share": 0.6, "advertiser_share": 0.5}}
    )


def test_a_range_must_run_from_low_to_high() -> None:
    data = {"population": {"graph": {"big_v_follower_share": [0.5, 0.1]}}}
    assert "low end 0.5 is above high end 0.1" in rejected(data)


def test_an_edge_list_graph_needs_a_path() -> None:
    assert "needs a `path`" in rejected({"population": {"graph": {"kind": "edgelist"}}})


def test_the_heaviest_poster_share_writes_at_least_its_share() -> None:
    data = {"behaviour": {"posting": {"top_user_share": 0.5, "top_post_share": 0.4}}}
    assert "top_post_share must be at least top_user_share" in rejected(data)


def test_money_rules_budgets_and_commissions_fit() -> None:
    ads = {"daily_budget": 100, "total_budget": 50}
    commerce = {"platform_commission": 0.5, "influencer_commission": 0.6}
    text = rejected({"economy": {"ads": ads, "commerce": commerce}})
    assert "daily_budget must not exceed total_budget" in text
    assert "exceed the sale" in text


@pytest.mark.parametrize(
    ("loadtest", "expected"),
    [
        ({"shape": "steps", "steps": []}, "needs at least one entry"),
        ({"shape": "spike", "run_time_s": 10, "spike": {"at_s": 10}}, "before run_time_s"),
        ({"seed_users": 10, "big_v_followers": 10}, "below seed_users"),
        ({"run_time_s": 8, "warmup_s": 8}, "warmup_s (8 s) must be shorter than run_time_s (8 s)"),
    ],
)
def test_load_test_shapes_and_seeding_are_consistent(
    loadtest: dict[str, Any], expected: str
) -> None:
    assert expected in rejected({"loadtest": loadtest})
