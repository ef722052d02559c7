"""Parameter sweeps: run a scenario over a grid of overrides and tabulate the outcomes.

`--vary capacity.app_servers=4,8,16 --vary ads.load=0.05,0.1` runs every combination. The
engine does not know how to run a scenario: it is handed a runner, so the simulator (or a
test) supplies one, and points run in worker processes when more than one job is allowed.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

from outcomes.charts import Chart
from outcomes.compare import shared_metrics
from outcomes.formatting import csv_cells, csv_columns
from outcomes.metrics import better_direction
from outcomes.plots import png_bytes
from outcomes.report import REPORT_FILE, DrawnCharts, drawn_charts, render_report
from outcomes.result import Result, load_runs
from outcomes.sweep_plots import sweep_figures

SWEEP_CSV = "sweep.csv"

Overrides = dict[str, object]
Runner = Callable[[Overrides, Path], Result]
"""Runs the scenario with dotted-path overrides applied, writing its run into the directory.
Must be a module-level callable so worker processes can unpickle it."""


@dataclass(frozen=True)
class Vary:
    """One swept parameter: a dotted scenario path and the values it takes."""

    path: str
    values: tuple[object, ...]


@dataclass(frozen=True)
class SweepPoint:
    overrides: Overrides
    run_dir: Path
    result: Result


@dataclass(frozen=True)
class SweepResult:
    varies: list[Vary]
    points: list[SweepPoint]
    csv_path: Path
    plots: list[Path]
    report: Path


def parse_vary(text: str) -> Vary:
    """Parse `path=v1,v2,...`; each value is read as a YAML scalar (4 → int, true → bool)."""
    path, sep, values = text.partition("=")
    path = path.strip()
    if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*", path):
        raise ValueError(
            f"not a sweep spec: {text!r}; expected 'path=v1,v2,...', "
            "e.g. 'capacity.app_servers=4,8,16'"
        )
    return Vary(path, tuple(_scalar(text, v) for v in values.split(",")))


def expand_grid(varies: Sequence[Vary]) -> list[Overrides]:
    """Every combination of the varied values, the first parameter changing slowest."""
    paths = [vary.path for vary in varies]
    if len(set(paths)) != len(paths):
        raise ValueError(f"a parameter is varied twice: {', '.join(paths)}")
    combos = itertools.product(*(vary.values for vary in varies))
    return [dict(zip(paths, combo, strict=True)) for combo in combos]


def run_sweep(
    varies: Sequence[Vary],
    runner: Runner,
    out_dir: Path,
    metrics: Sequence[str] = (),
    jobs: int = 1,
) -> SweepResult:
    """Run every grid point into `out_dir/<point>/`, then write `sweep.csv`, the plots and
    `report.html`.

    `metrics` are the ones plotted against each parameter (two of them also get a
    trade-off plot); the CSV holds every metric all points share.
    """
    grid = expand_grid(varies)
    _check_tradeoff(metrics)
    run_dirs = [out_dir / point_name(i, overrides) for i, overrides in enumerate(grid)]
    results = _run_points(runner, grid, run_dirs, jobs)
    points = [SweepPoint(o, d, r) for o, d, r in zip(grid, run_dirs, results, strict=True)]
    _check_metrics(points, metrics)
    csv_path = write_sweep_csv(points, list(varies), out_dir / SWEEP_CSV)
    plot_points = [(p.overrides, p.result.metrics) for p in points]
    figures = sweep_figures(plot_points, [v.path for v in varies], list(metrics))
    drawn = [
        (Chart("sweep", caption, "", figure), png_bytes(figure)) for _, caption, figure in figures
    ]
    plots = [out_dir / name for name, _, _ in figures]
    for path, (_, png) in zip(plots, drawn, strict=True):
        path.write_bytes(png)
    report = write_sweep_report(points, drawn, out_dir / REPORT_FILE)
    return SweepResult(list(varies), points, csv_path, plots, report)


def write_sweep_report(points: Sequence[SweepPoint], plots: DrawnCharts, out: Path) -> Path:
    """The points compared with the first (the report's first screen, with each headline
    number's change), the sweep's plots first among the charts."""
    runs = load_runs([point.run_dir for point in points])
    out.write_text(render_report(runs, [*plots, *drawn_charts(runs)]), encoding="utf-8")
    return out


def point_name(index: int, overrides: Overrides) -> str:
    """A run directory name that says which point it is: `003-app_servers=8-load=0.1`."""
    parts = [f"{path.rsplit('.', 1)[-1]}={value}" for path, value in overrides.items()]
    return re.sub(r"[^A-Za-z0-9_.=-]+", "_", "-".join([f"{index:03d}", *parts]))


def write_sweep_csv(points: Sequence[SweepPoint], varies: Sequence[Vary], path: Path) -> Path:
    """One row per point: the varied values, then each shared metric with its interval."""
    names = shared_metrics([p.result.metrics for p in points], ())
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([v.path for v in varies] + [c for n in names for c in csv_columns(n)])
        for point in points:
            cells = [c for n in names for c in csv_cells(point.result.metrics[n])]
            row = [point.overrides[v.path] for v in varies] + cells
            writer.writerow(["" if c is None else c for c in row])
    return path


def _run_points(
    runner: Runner, grid: list[Overrides], run_dirs: list[Path], jobs: int
) -> list[Result]:
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    if jobs == 1 or len(grid) == 1:
        return [
            runner(overrides, run_dir) for overrides, run_dir in zip(grid, run_dirs, strict=True)
        ]
    with ProcessPoolExecutor(max_workers=min(jobs, len(grid))) as pool:
        return list(pool.map(runner, grid, run_dirs))


def _check_metrics(points: Sequence[SweepPoint], metrics: Sequence[str]) -> None:
    for point in points:
        missing = [m for m in metrics if m not in point.result.metrics]
        if missing:
            raise ValueError(f"sweep point {point.run_dir} has no metric {', '.join(missing)}")


def _check_tradeoff(metrics: Sequence[str]) -> None:
    """A trade-off plot needs each metric's better direction: fail before spending the runs."""
    if len(metrics) == 2:
        for metric in metrics:
            better_direction(metric)


def _scalar(spec: str, text: str) -> object:
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"sweep spec {spec!r}: value {text!r} is not a YAML scalar") from exc
    if value is None or isinstance(value, dict | list):
        raise ValueError(f"sweep spec {spec!r}: value {text!r} is not a number, bool or string")
    return value
