"""The sharding benchmark's measurements: what a sharded run reports about its messages."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from benchmarks.sharding import run_pair, run_sharded

pytestmark = pytest.mark.slow

TINY = "name: tiny\nduration_days: 0.02\npopulation:\n  users: 300\n  groups:\n    count: 3\n"


def test_a_two_shard_run_reports_its_speed_and_the_messages_between_its_shards(
    tmp_path: Path,
) -> None:
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(TINY + "sharding:\n  window_s: 60\n")
    numbers = run_sharded(scenario, tmp_path / "k2", shards=2)
    assert set(numbers) == {"actions_per_s", "wall_s", "messages_per_action"}
    assert all(value > 0 for value in numbers.values())


def test_a_window_given_to_the_run_overrides_the_scenarios(tmp_path: Path) -> None:
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(TINY + "sharding:\n  window_s: 60\n")
    run_sharded(scenario, tmp_path / "k2-w120", shards=2, window_s=120)
    summary = orjson.loads((tmp_path / "k2-w120" / "summary.json").read_bytes())
    assert summary["scenario"]["resolved"]["sharding"]["window_s"] == 120


def test_the_pair_sums_two_one_shard_runs_made_at_once(tmp_path: Path) -> None:
    """Each of the two runs writes its own Result, with no messages (one shard has no other
    to send to); the pair's speed is theirs added up."""
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(TINY)
    pair = run_pair(scenario, tmp_path / "pair")
    runs = [
        orjson.loads((tmp_path / "pair" / run / "summary.json").read_bytes())["environment"][
            "simulator"
        ]
        for run in ("run0", "run1")
    ]
    assert all(run["messages"] == [{}] and run["actions"][0] > 0 for run in runs)
    assert pair["actions_per_s"] == sum(run["actions_per_s"] for run in runs) > 0
    assert pair["wall_s"] > 0 and pair["messages_per_action"] == 0
