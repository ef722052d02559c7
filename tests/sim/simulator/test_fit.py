"""`fanout fit` with the simulator: a reachable target met on a tiny scenario, the fitted
file written with its comments, the same seed giving the same fit, and bad input exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import ray
import yaml
from click.testing import CliRunner, Result

from cli import fanout
from scenario import load_scenario

from .conftest import TINY, merged

pytestmark = pytest.mark.slow

ADS = merged(TINY, {"population": {"advertiser_share": 0.03}})
"""400 accounts for a quarter day, 12 of them advertisers: a run takes well under a second
and shows a few hundred ads, more the higher the ad load."""
TARGET = "ads.impressions=600±150"
LOAD = "economy.ads.load"


def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "ads.yaml"
    path.write_text("# the test's scenario\n" + yaml.safe_dump(ADS), encoding="utf-8")
    return path


def fit(tmp_path: Path, *args: str, out: str | None = "fitted.yaml", jobs: int = 1) -> Result:
    """`fanout fit` on the test's scenario; one job unless told (Ray takes seconds to start)."""
    command = ["fit", str(scenario_file(tmp_path)), *args, "--jobs", str(jobs), "--json"]
    if out is not None:
        command += ["--out", str(tmp_path / out)]
    return CliRunner().invoke(fanout, command)


def test_a_reachable_target_is_met_and_the_fitted_file_says_so(tmp_path: Path) -> None:
    ran = fit(tmp_path, "--target", TARGET, "--vary", f"{LOAD}=0.05..0.45", "--budget", "8")
    assert ran.exit_code == 0, ran.output
    outcome = json.loads(ran.output)
    assert outcome["met"] and outcome["candidates"] <= 8
    (target,) = outcome["targets"]
    assert abs(target["achieved"] - 600) <= 150 and target["ci95"] is not None
    fitted = tmp_path / "fitted.yaml"
    text = fitted.read_text(encoding="utf-8")
    assert text.startswith("# the test's scenario\n")
    line = next(line for line in text.splitlines() if line.strip().startswith("load:"))
    assert f"# fitted by fanout fit: target {TARGET}, achieved" in line
    assert load_scenario(fitted).economy.ads.load == outcome["values"][LOAD]
    assert load_scenario(fitted).name == "fitted"  # a scenario of its own, named after its file


def test_the_same_seed_gives_the_same_fit_whatever_the_jobs(tmp_path: Path) -> None:
    """With two jobs a candidate's replications run at once on a local Ray cluster."""
    args = ["--target", TARGET, "--vary", f"{LOAD}=0.05..0.45", "--budget", "3"]
    args += ["--replications", "2", "--seed", "9"]
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    first = fit(tmp_path, *args, out="one/fitted.yaml")
    second = fit(tmp_path, *args, out="two/fitted.yaml", jobs=2)
    assert first.exit_code in (0, 1), first.output
    same = ("values", "targets", "candidates", "best_score")
    # stdout only: Ray says a word on stderr
    assert {k: json.loads(first.stdout)[k] for k in same} == {
        k: json.loads(second.stdout)[k] for k in same
    }
    assert (tmp_path / "one/fitted.yaml").read_text() == (tmp_path / "two/fitted.yaml").read_text()
    assert not ray.is_initialized()  # the fit's cluster is shut down with it


def test_without_out_the_fitted_scenario_lands_beside_its_input(tmp_path: Path) -> None:
    args = ["--target", TARGET, "--vary", f"{LOAD}=0.05..0.45", "--budget", "1"]
    ran = fit(tmp_path, *args, "--replications", "1", out=None)
    assert ran.exit_code in (0, 1), ran.output
    beside = tmp_path / "ads-fitted.yaml"
    assert json.loads(ran.output)["fitted"] == str(beside)
    assert load_scenario(beside).economy.ads.load == json.loads(ran.output)["values"][LOAD]


@pytest.mark.parametrize(
    ("target", "vary", "message"),
    [
        (TARGET, "economy.ads.lod=0.1..0.2", "economy.ads.lod: unknown field (did you mean"),
        (TARGET, "platform.fanout=1..2", "platform.fanout: not a number field"),
        (TARGET, f"{LOAD}=0.3..0.1", "range 0.3..0.1 is empty; LOW must be below HIGH"),
        (TARGET, f"{LOAD}=0.1..1.5", "must be >= 0 and < 1; 1.5 is not"),
        (TARGET, f"{LOAD}=0.1", "not a range"),
        ("ads.impresions=600±150", f"{LOAD}=0.1..0.2", "unknown metric 'ads.impresions'"),
        ("ads.impressions=600", f"{LOAD}=0.1..0.2", "expected METRIC=VALUE±TOL"),
        ("ads.impressions=600±x", f"{LOAD}=0.1..0.2", "'x' is not a number"),
    ],
)
def test_bad_input_exits_2_naming_the_problem_before_any_run(
    tmp_path: Path, target: str, vary: str, message: str
) -> None:
    ran = fit(tmp_path, "--target", target, "--vary", vary, "--budget", "5")
    assert ran.exit_code == 2
    assert message in ran.output
    assert not (tmp_path / "fitted.yaml").exists()


def test_a_scenario_invalid_at_a_range_end_is_refused(tmp_path: Path) -> None:
    vary = "economy.ads.daily_budget=500..50000"  # above total_budget at the high end
    ran = fit(tmp_path, "--target", TARGET, "--vary", vary, "--budget", "5")
    assert ran.exit_code == 2
    assert "daily_budget must not exceed total_budget" in ran.output


def test_plus_minus_is_accepted_and_a_missed_target_exits_1(tmp_path: Path) -> None:
    unreachable = "ads.impressions=100000+-10"
    ran = fit(tmp_path, "--target", unreachable, "--vary", f"{LOAD}=0.05..0.1", "--budget", "2")
    assert ran.exit_code == 1, ran.output
    assert json.loads(ran.output)["met"] is False
    assert (tmp_path / "fitted.yaml").is_file()  # the best candidate, for inspection
