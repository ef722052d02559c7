"""`fanout check-model`'s steps: a calibration is required before the load test runs, and
the test's measurements come back beside the calibrated model's prediction."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from outcomes.result import Result
from scenario import Scenario, load_scenario
from scenario.calibration import CalibrationError, write_calibration
from sim.capacity.fit import calibrate
from sim.capacity.model_check import calibration_override, check_against_load_test
from tests.sim.capacity.test_fit import WORKS, explained_result

SMOKE = "scenarios/ci-smoke.yaml"


@dataclass(frozen=True)
class Prepared:
    scenario: Scenario


@dataclass(frozen=True)
class Measured:
    run_dir: Path
    result: Result


@dataclass
class FakeLoadTest:
    """Stands in for loadtests.control.run.execute: records what it ran, returns `result`."""

    result: Result
    ran: list[Prepared] = field(default_factory=list)

    def __call__(self, prepared: Prepared) -> Measured:
        self.ran.append(prepared)
        return Measured(Path("results/fake"), self.result)


def test_no_calibration_is_bad_input_before_the_load_test_starts() -> None:
    load_test = FakeLoadTest(explained_result())
    prepared = Prepared(load_scenario(SMOKE))
    with pytest.raises(CalibrationError, match=f"{SMOKE}: no calibration"):
        check_against_load_test(SMOKE, prepared, load_test, 300.0)
    assert load_test.ran == []


def test_the_load_test_runs_once_and_every_calibrated_path_is_predicted(tmp_path: Path) -> None:
    calibration = tmp_path / "calibration.yaml"
    write_calibration(calibration, calibrate(explained_result(), "test"))
    prepared = Prepared(load_scenario(SMOKE, calibration_override(calibration)))
    load_test = FakeLoadTest(explained_result())
    measured = check_against_load_test(SMOKE, prepared, load_test, 300.0)
    assert load_test.ran == [prepared]
    assert {row.path for row in measured.check.paths} == WORKS.keys()
    assert measured.as_dict()["run_dir"] == "results/fake"
    assert measured.as_dict()["paths"].keys() == WORKS.keys()


def test_calibration_override_is_absolute_so_any_scenario_directory_finds_it() -> None:
    assert calibration_override(None) == []
    (override,) = calibration_override(Path("calibration.yaml"))
    assert override == f"platform.capacity.calibration={Path.cwd() / 'calibration.yaml'}"
