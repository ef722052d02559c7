"""A run of more than one shard refuses, by field, what it cannot carry; one shard runs all."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli import fanout
from scenario import ScenarioError, load_scenario
from sim.shards.support import UnshardedCall, require_shardable, require_sharded_path
from tests.sim.shards.conftest import social_ci_smoke


def test_a_scenario_with_chat_and_ads_is_refused_naming_each_field_but_not_payments() -> None:
    scenario = load_scenario("scenarios/ci-smoke.yaml")
    with pytest.raises(ScenarioError) as refused:
        require_shardable(scenario, 2)
    paths = {problem.path for problem in refused.value.problems}
    assert {"behaviour.per_session.chat", "economy.ads.load"} <= paths
    cleared = {"behaviour.per_session.gift", "behaviour.per_session.shop_browse"}
    assert not cleared & paths  # payments and orders clear between shards


def test_one_shard_carries_any_scenario_and_the_social_core_carries_many() -> None:
    require_shardable(load_scenario("scenarios/ci-smoke.yaml"), 1)
    require_shardable(social_ci_smoke(), 4)


def test_a_call_outside_the_social_core_fails_a_sharded_run() -> None:
    require_sharded_path("like")
    with pytest.raises(UnshardedCall, match="chat_send"):
        require_sharded_path("chat_send")


def test_the_cli_exits_2_naming_the_field_before_starting_any_shard() -> None:
    result = CliRunner().invoke(fanout, ["run", "scenarios/ci-smoke.yaml", "--shards", "2"])
    assert result.exit_code == 2
    assert "behaviour.per_session.chat" in result.stderr


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
