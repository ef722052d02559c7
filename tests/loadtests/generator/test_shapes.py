"""Load shapes: the user count each shape asks Locust for at each moment of the test.

The plans' `tick(elapsed_s)` is what the Locust shape calls with Locust's clock; here the
clock is simply the argument.
"""

from __future__ import annotations

import pytest

from loadtests.generator.shapes import ConstantLoad, DiurnalLoad, SpikeLoad, StepLoad, plan_for
from scenario import load_scenario


def user_counts(plan: object, times: list[float]) -> list[int | None]:
    ticks = [plan.tick(t) for t in times]  # type: ignore[attr-defined]
    return [tick[0] if tick is not None else None for tick in ticks]


def test_constant_load_holds_its_users_until_the_run_time_then_stops() -> None:
    plan = ConstantLoad(users=20, spawn_rate=5.0, run_time_s=30.0)
    assert plan.tick(0.0) == (20, 5.0)
    assert user_counts(plan, [0.0, 29.9, 30.0]) == [20, 20, None]


def test_steps_follow_each_other_and_the_last_holds_until_the_end() -> None:
    plan = StepLoad(steps=[(10, 5.0), (25, 5.0)], spawn_rate=10.0, run_time_s=20.0)
    assert user_counts(plan, [0.0, 4.9, 5.0, 9.9, 15.0, 19.9, 20.0]) == [
        10, 10, 25, 25, 25, 25, None,
    ]  # fmt: skip


def test_a_spike_multiplies_the_users_only_inside_its_window() -> None:
    plan = SpikeLoad(users=10, spawn_rate=50.0, run_time_s=60.0, at_s=20.0, duration_s=10.0,
                     multiplier=5.0)  # fmt: skip
    assert user_counts(plan, [0.0, 19.9, 20.0, 29.9, 30.0, 60.0]) == [10, 10, 50, 50, 10, None]


def test_the_diurnal_day_is_compressed_and_peaks_at_the_configured_users() -> None:
    """Hour h of the compressed day comes h/24 of the way through `day_s`."""
    weights = [1.0] * 24
    weights[6], weights[18] = 0.25, 2.0
    plan = DiurnalLoad(users=40, spawn_rate=10.0, run_time_s=240.0, day_s=240.0,
                       start_hour=0.0, hourly_weights=weights)  # fmt: skip
    assert user_counts(plan, [0.0, 60.0, 180.0, 185.0]) == [20, 5, 40, 30]
    assert plan.tick(240.0) is None


def test_the_diurnal_curve_starts_at_the_scenario_hour_and_keeps_at_least_one_user() -> None:
    weights = [0.0] * 24
    weights[12] = 1.0
    plan = DiurnalLoad(users=10, spawn_rate=1.0, run_time_s=100.0, day_s=24.0,
                       start_hour=12.0, hourly_weights=weights)  # fmt: skip
    assert user_counts(plan, [0.0, 2.0]) == [10, 1]


@pytest.mark.parametrize(
    ("shape", "kind"),
    [("constant", ConstantLoad), ("steps", StepLoad), ("spike", SpikeLoad),
     ("diurnal", DiurnalLoad)],
)  # fmt: skip
def test_the_scenario_shape_picks_the_plan(shape: str, kind: type) -> None:
    scenario = load_scenario("scenarios/ci-smoke.yaml", [f"loadtest.shape={shape}"])
    plan = plan_for(scenario)
    assert isinstance(plan, kind)
    assert plan.tick(scenario.loadtest.run_time_s) is None
