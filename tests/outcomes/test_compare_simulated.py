"""compare, gate and report on real results of small simulated runs, not hand-made ones.

Two seeds of one scenario differ only by chance, so nothing may come out significant; a real
change in behaviour must. Replications of each run draw their own populations (sim.runner),
so the spread Welch's test sees includes the population's.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
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


@pytest.fixture(scope="module")
def two_seeds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same tiny scenario run with seeds 1 and 2."""
    tmp_path = tmp_path_factory.mktemp("seeds")
    return run_scenario(tmp_path, "seed-1", seed=1), run_scenario(tmp_path, "seed-2", seed=2)


def test_two_seeds_of_one_scenario_show_no_significant_change(
    two_seeds: tuple[Path, Path],
) -> None:
    comparison = compared(*two_seeds)
    assert len(comparison["rows"]) > 20
    assert significant_metrics(comparison) == []


def gate(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(fanout, ["gate", *map(str, args)])
    return result.exit_code, result.output


def test_gate_on_a_simulated_run_passes_fails_and_refuses_as_set(
    two_seeds: tuple[Path, Path], tmp_path: Path
) -> None:
    run, other = two_seeds
    assert gate(run, "--slo", "errors.rate <= 0.01")[0] == 0
    junit = tmp_path / "junit.xml"
    code, output = gate(run, "--slo", "latency.timeline_read.p95_ms <= 0.0001", "--junit", junit)
    assert code == 1 and "FAIL" in output
    suite = ET.parse(junit).getroot()
    assert int(suite.get("failures") or suite[0].get("failures") or 0) >= 1
    regression = ("--baseline", other, "--max-regression", "latency.timeline_read.p95_ms=1000%")
    assert gate(run, *regression)[0] == 0
    assert gate(run, "--slo", "latency.timeline_read.p95_ms <=")[0] == 2


def test_report_of_two_simulated_runs_embeds_their_plots(
    two_seeds: tuple[Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(fanout, ["report", *map(str, two_seeds), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert page.count("data:image/png;base64,") >= 3 and "seed-2" in page


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
