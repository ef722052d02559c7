"""The sharding benchmark's measurements: what a sharded run reports about its messages."""

from __future__ import annotations

from pathlib import Path

import orjson

from benchmarks.sharding import run_sharded
from benchmarks.simulator import measured_run

TINY = "name: tiny\nduration_days: 0.02\npopulation:\n  users: 300\n  groups:\n    count: 3\n"


def test_a_two_shard_run_reports_its_speed_and_the_messages_between_its_shards(
    tmp_path: Path,
) -> None:
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(TINY + "sharding:\n  window_s: 60\n")
    numbers = run_sharded(scenario, tmp_path / "k2", shards=2)
    assert set(numbers) == {"actions_per_s", "wall_s", "messages_per_action"}
    assert all(value > 0 for value in numbers.values())
    _, unsharded = measured_run(scenario, tmp_path / "k0")
    assert unsharded["messages"] == [{}] and unsharded["actions"][0] > 0


def test_a_window_given_to_the_run_overrides_the_scenarios(tmp_path: Path) -> None:
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(TINY + "sharding:\n  window_s: 60\n")
    run_sharded(scenario, tmp_path / "k2-w120", shards=2, window_s=120)
    summary = orjson.loads((tmp_path / "k2-w120" / "summary.json").read_bytes())
    assert summary["scenario"]["resolved"]["sharding"]["window_s"] == 120
