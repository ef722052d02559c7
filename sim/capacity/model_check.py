"""`fanout check-model` from flags to verdict: run a load test, check the capacity model on it.

The steps: require a calibration (before anything starts, so a missing or unreadable one
costs no load test), run the load test, predict each measured path with the calibrated
model on the measured deployment (`sim.capacity.check.check_model`), and return both sides
with the test's run directory. The CLI only prints the result.

The load test itself is handed in: sim/ does not import loadtests/ (ARCHITECTURE.md), so
the caller passes loadtests.control's prepared run and its `execute`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from outcomes.result import Result
from scenario import Scenario
from scenario.calibration import Calibration, CalibrationError, load_calibration
from sim.capacity.check import ModelCheck, check_model
from sim.capacity.fit import deployment_config


class PreparedLoadTest(Protocol):
    """A load test checked and ready to run (loadtests.control.request.PreparedRun)."""

    @property
    def scenario(self) -> Scenario: ...


class LoadTestRun(Protocol):
    """What a finished load test left (loadtests.control.run.LoadtestOutcome)."""

    @property
    def run_dir(self) -> Path: ...

    @property
    def result(self) -> Result: ...


Prepared = TypeVar("Prepared", bound=PreparedLoadTest)


@dataclass(frozen=True)
class MeasuredCheck:
    """The model checked against one load test, and where that test wrote its results."""

    check: ModelCheck
    run_dir: Path

    def as_dict(self) -> dict[str, Any]:
        return {"run_dir": str(self.run_dir), **self.check.as_dict()}


def calibration_override(path: Path | None) -> list[str]:
    """`--calibration FILE` as the scenario override it stands for. The path is made
    absolute because a scenario resolves relative paths against its own directory."""
    return [] if path is None else [f"platform.capacity.calibration={path.resolve()}"]


def check_against_load_test(
    source: str,
    prepared: Prepared,
    run_load_test: Callable[[Prepared], LoadTestRun],
    horizon_s: float,
) -> MeasuredCheck:
    """Run the prepared load test of the scenario file `source` and predict every path
    it measured that the calibration priced; CalibrationError before the test starts
    when the scenario has no usable calibration."""
    scenario = prepared.scenario
    fitted = required_calibration(source, scenario)
    measured = run_load_test(prepared)
    check = check_model(
        deployment_config(scenario.platform.capacity, fitted.deployment),
        measured.result,
        horizon_s,
        scenario.seed,
        calibrated=fitted.fit.paths.keys(),
    )
    return MeasuredCheck(check, measured.run_dir)


def required_calibration(source: str, scenario: Scenario) -> Calibration:
    """The scenario's calibration file, read; CalibrationError naming `source` without one."""
    path = scenario.platform.capacity.calibration
    if path is None:
        raise CalibrationError(
            f"{source}: no calibration: pass --calibration FILE "
            "or set platform.capacity.calibration"
        )
    return load_calibration(path)
