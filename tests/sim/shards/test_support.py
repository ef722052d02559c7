"""A run of more than one shard refuses, by field, what it cannot carry; one shard runs all."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli import fanout
from scenario import ScenarioError, load_scenario
from sim.shards import support
from sim.shards.support import UnshardedCall, require_shardable, require_sharded_path
from tests.sim.shards.conftest import social_ci_smoke


def test_every_shipped_scenario_runs_sharded_with_everything_on() -> None:
    """Nothing is refused any more: live gifts, app purchases, bid reviews and merchants
    quitting cross shards too."""
    for name in ("ci-smoke", "baseline"):
        require_shardable(load_scenario(f"scenarios/{name}.yaml"), 2)
    scenario = load_scenario("scenarios/ci-smoke.yaml")
    assert scenario.behaviour.live.gift_share > 0 and scenario.apps.purchases_per_user_day > 0
    assert scenario.economy.ads.bid_step > 0


@pytest.fixture
def refusing(monkeypatch: pytest.MonkeyPatch) -> None:
    """An activity not carried (the list is empty today; the refusal stays for the next)."""
    switch = ("behaviour.live.gift_share", "live gifts (for the test)", lambda v, _: v > 0)
    monkeypatch.setattr(support, "UNSHARDED_SWITCHES", (switch,))


@pytest.mark.usefixtures("refusing")
def test_a_scenario_switching_on_an_activity_not_carried_is_refused_by_field() -> None:
    scenario = load_scenario("scenarios/ci-smoke.yaml")
    with pytest.raises(ScenarioError) as refused:
        require_shardable(scenario, 2)
    assert {problem.path for problem in refused.value.problems} == {"behaviour.live.gift_share"}
    require_shardable(scenario, 1)
    require_shardable(load_scenario("scenarios/ci-smoke.yaml", ["behaviour.live.gift_share=0"]), 2)


def test_chat_presence_photos_app_polls_ads_shops_and_payments_are_switched_on() -> None:
    scenario = load_scenario("scenarios/ci-smoke.yaml")
    assert all(getattr(scenario.apps, level) > 0 for level in ("normal", "medium", "advanced"))
    assert scenario.behaviour.per_session.chat > 0 and scenario.population.mobile_share > 0
    assert scenario.behaviour.photos.post_share > 0
    assert scenario.economy.ads.load > 0 and scenario.population.advertiser_share > 0
    assert scenario.behaviour.per_session.shop_browse > 0
    assert scenario.behaviour.per_session.gift > 0
    assert scenario.economy.commerce.conversion_probability > 0


def test_diversion_commerce_and_orders_on_the_platform_are_both_carried() -> None:
    require_shardable(social_ci_smoke("economy.commerce.model=diversion"), 2)
    require_shardable(social_ci_smoke("economy.commerce.conversion_probability=0.5"), 2)


def test_one_shard_carries_any_scenario_and_the_social_core_carries_many() -> None:
    require_shardable(load_scenario("scenarios/ci-smoke.yaml"), 1)
    require_shardable(social_ci_smoke(), 4)


def test_a_call_outside_the_social_core_fails_a_sharded_run() -> None:
    require_sharded_path("like")
    require_sharded_path("chat_send")
    require_sharded_path("topup")
    require_sharded_path("live_gift")
    with pytest.raises(UnshardedCall, match="account_close"):
        require_sharded_path("account_close")  # no simulated activity makes it


@pytest.mark.usefixtures("refusing")
def test_the_cli_exits_2_naming_the_field_before_starting_any_shard() -> None:
    result = CliRunner().invoke(fanout, ["run", "scenarios/ci-smoke.yaml", "--shards", "2"])
    assert result.exit_code == 2
    assert "behaviour.live.gift_share" in result.stderr


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--shards", "2", "--trace", "t.jsonl"], "--trace"),
        (["--jobs", "2", "--trace", "t.jsonl"], "--trace"),
        (["--cluster", "127.0.0.1:6380"], "--cluster"),
        (["--shards", "2", "--jobs", "2"], "--jobs"),
    ],
)
def test_the_cli_refuses_flags_that_do_not_go_together(flags: list[str], named: str) -> None:
    refused = CliRunner().invoke(fanout, ["run", "x.yaml", *flags])
    assert refused.exit_code == 2
    assert named in refused.stderr
