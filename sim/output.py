"""A simulation's run directory: summary.json, timeseries.csv, charts and report.html."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from outcomes.report import write_run_report
from outcomes.result import write_result
from outcomes.timeseries import write_timeseries
from sim.runner import SimulationRun

RESULTS_DIR = Path("results")


def default_run_dir(scenario_name: str, now: datetime | None = None) -> Path:
    """`results/<scenario>-<UTC time>`, e.g. results/baseline-20240101T120000Z."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", scenario_name)
    return RESULTS_DIR / f"{safe}-{stamp}"


def write_run(run: SimulationRun, run_dir: Path, report: bool = True) -> Path:
    """Write the run's summary.json and timeseries.csv, and unless `report` is False (sweep
    points, where the sweep's own plots are what a person reads) its charts and report.html.

    Returns the report's path, or the summary's when there is no report.
    """
    summary = write_result(run_dir, run.result)
    write_timeseries(run_dir, run.timeseries)
    if not report:
        return summary
    return write_run_report(run_dir)
