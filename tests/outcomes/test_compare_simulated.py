"""`fanout compare` on real results of small simulated runs, not hand-made ones.

Two seeds of one scenario differ only by chance, so nothing may come out significant; a real
change in behaviour must. Replications of each run draw their own populations (sim.runner),
so the spread Welch's test sees includes the population's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from cli import fanout
from tests.sim.simulator.conftest import TINY, merged

REPLICATIONS = 4


def run_scenario(tmp_path: Path, name: str, **changes: Any) -> Path:
    """`fanout run` a tiny scenario (four replications unless changed); returns its run dir."""
    scenario = tmp_path / f"{name}.yaml"
    body = merged(TINY, {"name": name, "replications": REPLICATIONS, **changes})
    scenario.write_text(yaml.safe_dump(body))
    out = tmp_path / name
    result = CliRunner().invoke(fanout, ["run", str(scenario), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    return out


def compared(*runs: Path, metrics: tuple[str, ...] = ()) -> dict[str, Any]:
    patterns = [arg for pattern in metrics for arg in ("--metrics", pattern)]
    result = CliRunner().invoke(fanout, ["compare", *map(str, runs), *patterns, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def significant_metrics(comparison: dict[str, Any]) -> list[str]:
    return [row["metric"] for row in comparison["rows"] if row["changes"][0]["significant"]]


def test_two_seeds_of_one_scenario_show_no_significant_change(tmp_path: Path) -> None:
    comparison = compared(
        run_scenario(tmp_path, "seed-1", seed=1), run_scenario(tmp_path, "seed-2", seed=2)
    )
    assert len(comparison["rows"]) > 20
    assert significant_metrics(comparison) == []


def test_a_real_change_in_behaviour_is_found_significant(tmp_path: Path) -> None:
    # A change far beyond chance: likes in 10 % of sessions against 90 % (over ~100 metrics,
    # chat and payments included, Benjamini-Hochberg asks for a small p-value).
    base = run_scenario(tmp_path, "base", seed=1, behaviour={"per_session": {"like": 0.1}})
    liking = run_scenario(tmp_path, "liking", seed=1, behaviour={"per_session": {"like": 0.9}})
    found = significant_metrics(compared(base, liking))
    assert "throughput.like.requests_per_s" in found


def test_raising_the_ad_load_is_found_in_ad_revenue_and_impressions(tmp_path: Path) -> None:
    """A strategist's question: compare the ad metrics of a light and a heavy ad load.

    How many ads a 400-account population sees swings with who is in it, so eight
    replications (each its own population) make the effect stand out of that spread.
    """
    common: dict[str, Any] = {"seed": 1, "replications": 8}
    common["population"] = {"advertiser_share": 0.05}  # campaigns enough to fill the slots
    light = run_scenario(tmp_path, "light", economy={"ads": {"load": 0.05}}, **common)
    heavy = run_scenario(tmp_path, "heavy", economy={"ads": {"load": 0.3}}, **common)
    comparison = compared(light, heavy, metrics=("ads.*", "revenue.*"))
    assert {"ads.impressions", "revenue.ads"} <= set(significant_metrics(comparison))
    rows = {row["metric"]: row for row in comparison["rows"]}
    assert rows["revenue.ads"]["changes"][0]["absolute"] > 0
