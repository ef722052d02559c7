"""Sweeps: grid specs, running every point (also in worker processes), CSV, plots, Pareto front."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from outcomes.result import Result, ScenarioRef, metric_from_replicates, write_result
from outcomes.sweep import Vary, expand_grid, parse_vary, run_sweep
from outcomes.sweep_plots import knee_point, pareto_efficient

REVENUE, RETENTION = "revenue.ads", "users.retention_d30"


def ad_load_runner(overrides: dict[str, object], out_dir: Path) -> Result:
    """A stand-in simulator: more ad load earns more and keeps fewer users."""
    load = float(overrides["ads.load"])  # type: ignore[arg-type]
    scale = float(overrides.get("population.users", 1000))  # type: ignore[arg-type]
    metrics = {
        REVENUE: metric_from_replicates([scale * load * f for f in (0.98, 1.0, 1.02)], "coins"),
        RETENTION: metric_from_replicates([(0.5 - load) * f for f in (0.99, 1.0, 1.01)], "ratio"),
    }
    result = Result(
        kind="simulation",
        scenario=ScenarioRef(name="ads", resolved={"ads": {"load": load}}),
        seed=1,
        replications=3,
        started_at="2024-06-01T00:00:00+00:00",
        duration_s=0.0,
        metrics=metrics,
    )
    write_result(out_dir, result)
    return result


def test_vary_values_are_read_as_yaml_scalars() -> None:
    assert parse_vary("capacity.app_servers=4,8,16") == Vary("capacity.app_servers", (4, 8, 16))
    assert parse_vary("x = 0.1,true,push").values == (0.1, True, "push")


@pytest.mark.parametrize("text", ["ads.load", "=1,2", "ads load=1", "ads.load=", "a=1,[2"])
def test_malformed_vary_specs_are_refused_quoting_the_spec(text: str) -> None:
    with pytest.raises(ValueError, match="sweep spec"):
        parse_vary(text)


def test_the_grid_is_every_combination_with_the_first_parameter_slowest() -> None:
    grid = expand_grid([Vary("a", (1, 2)), Vary("b", ("x", "y", "z"))])
    assert len(grid) == 6
    assert grid[:3] == [{"a": 1, "b": "x"}, {"a": 1, "b": "y"}, {"a": 1, "b": "z"}]
    with pytest.raises(ValueError, match="varied twice"):
        expand_grid([Vary("a", (1,)), Vary("a", (2,))])


def test_a_two_point_sweep_writes_runs_csv_and_plots(tmp_path: Path) -> None:
    sweep = run_sweep([parse_vary("ads.load=0.05,0.2")], ad_load_runner, tmp_path, [REVENUE])
    assert all((point.run_dir / "summary.json").is_file() for point in sweep.points)
    rows = list(csv.DictReader(sweep.csv_path.read_text(encoding="utf-8").splitlines()))
    assert [row["ads.load"] for row in rows] == ["0.05", "0.2"]
    assert float(rows[0][REVENUE]) < float(rows[1][REVENUE])
    assert (
        float(rows[0][f"{REVENUE}.ci_lo"])
        < float(rows[0][REVENUE])
        < float(rows[0][f"{REVENUE}.ci_hi"])
    )
    assert RETENTION in rows[0]
    assert [p.name for p in sweep.plots] == ["sweep_ads.load__revenue.ads.png"]
    assert all(p.stat().st_size > 0 for p in sweep.plots)


def test_two_metrics_add_a_trade_off_plot(tmp_path: Path) -> None:
    sweep = run_sweep(
        [parse_vary("ads.load=0.05,0.1,0.2"), parse_vary("population.users=1000,2000")],
        ad_load_runner, tmp_path, [REVENUE, RETENTION],
    )  # fmt: skip
    names = [p.name for p in sweep.plots]
    assert len(names) == 2 * 2 + 1
    assert names[-1] == "tradeoff_revenue.ads__users.retention_d30.png"
    report = sweep.report.read_text(encoding="utf-8")
    first_screen = report[: report.index('id="charts"')]
    assert first_screen.count('<td class="run"') == 6 * 2  # every point on both cards
    assert "Trade-off: Ads revenue against Retention after 30 days" in report
    assert "sweep_" not in report and "tradeoff_" not in report  # captions, not file names
    assert all(p.is_file() for p in sweep.plots)


def test_worker_processes_give_the_same_table_as_one_process(tmp_path: Path) -> None:
    varies = [parse_vary("ads.load=0.05,0.1"), parse_vary("population.users=1000,2000")]
    serial = run_sweep(varies, ad_load_runner, tmp_path / "serial", jobs=1)
    parallel = run_sweep(varies, ad_load_runner, tmp_path / "parallel", jobs=2)
    assert serial.csv_path.read_text() == parallel.csv_path.read_text()


def test_a_chosen_metric_missing_from_a_point_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="has no metric users.dau"):
        run_sweep([parse_vary("ads.load=0.1")], ad_load_runner, tmp_path, ["users.dau"])


def test_a_trade_off_without_known_directions_is_refused_before_running(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no known better direction"):
        run_sweep([parse_vary("ads.load=0.1")], ad_load_runner, tmp_path, [REVENUE, "mood.x"])
    assert list(tmp_path.iterdir()) == []


def test_pareto_points_are_those_no_other_point_beats_on_both_metrics() -> None:
    points = [(1.0, 1.0), (2.0, 2.0), (3.0, 1.0), (2.0, 3.0), (0.0, 4.0)]
    assert pareto_efficient(points, ("higher", "higher")) == [False, False, True, True, True]
    assert pareto_efficient(points, ("lower", "higher")) == [False, False, False, False, True]
    assert pareto_efficient(points, ("lower", "lower")) == [True, False, False, False, True]
    assert pareto_efficient(points, ("higher", "lower")) == [False, False, True, False, False]


def test_identical_points_do_not_dominate_each_other() -> None:
    assert pareto_efficient([(1.0, 1.0), (1.0, 1.0)], ("higher", "higher")) == [True, True]


def test_the_knee_is_the_front_point_bending_farthest_from_the_line_between_its_ends() -> None:
    # ad revenue rising with ad load while retention falls slowly, then steeply
    front = [(1.0, 0.50), (2.0, 0.49), (3.0, 0.47), (4.0, 0.30), (5.0, 0.10)]
    assert knee_point(front) == 2
    assert knee_point([(1.0, 1.0), (2.0, 2.0), (3.0, 3.0)]) is None  # a straight front
    assert knee_point([(1.0, 1.0), (2.0, 0.5)]) is None
