"""The simulator as a sweep runner: one grid point is one `fanout run` into its own directory.

`outcomes.sweep.run_sweep` runs points in worker processes, so the runner must pickle:
`point_runner` binds the scenario file and the fixed overrides to the module-level
`run_point` with `functools.partial`. `simulate_with` is the one way a point (or a fit's
candidate, sim.fit) becomes a simulation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from outcomes.result import Result
from outcomes.sweep import Runner
from scenario import load_scenario
from sim.output import write_run
from sim.runner import Parallelism, Progress, SimulationRun, simulate

FixedOverride = str | tuple[str, Any]
"""`path=value` as typed after --set, or (path, value) already parsed."""


def run_point(
    scenario_file: str,
    fixed: Sequence[FixedOverride],
    overrides: Mapping[str, Any],
    run_dir: Path,
) -> Result:
    """Simulate the scenario with the fixed and the point's overrides; write its run dir
    (summary.json and timeseries.csv: `fanout report DIR` renders a point's report)."""
    run = simulate_with(scenario_file, fixed, overrides)
    write_run(run, run_dir, report=False)
    return run.result


def simulate_with(
    scenario_file: str,
    fixed: Sequence[FixedOverride],
    overrides: Mapping[str, Any],
    progress: Progress | None = None,
    parallel: Parallelism | None = None,
) -> SimulationRun:
    """Simulate the scenario file with the fixed overrides, then the point's, applied
    (`sim.runner.simulate`: in this process, or replications at once on Ray)."""
    scenario = load_scenario(scenario_file, [*fixed, *overrides.items()])  # type: ignore[list-item]
    return simulate(scenario, progress=progress, parallel=parallel)


def point_runner(scenario_file: str, fixed: Sequence[FixedOverride] = ()) -> Runner:
    return partial(run_point, scenario_file, tuple(fixed))
