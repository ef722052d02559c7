"""The probe: which hour it measures, and its tally of work per path (means and covariances
of the submitted counters)."""

from __future__ import annotations

import numpy as np
import pytest
import simpy

from microblog.work import Work
from outcomes.scenario import load_scenario
from outcomes.scenario.capacity import CapacityConfig
from sim.capacity.demand import WORK_FIELDS
from sim.capacity.workload import _TallyingModel, peak_hour, probe_scenario
from sim.runner import simulate

PEAK_MEASURES = (
    "utilization.app",
    "utilization.db",
    "throughput.requests_per_s",
    "latency.timeline_read.p95_ms",
)


@pytest.mark.parametrize(
    ("start_hour", "warmup_days", "measured_from_h"),
    [(0.0, 0.0, 21.0), (18.0, 0.0, 3.0), (22.0, 0.0, 23.0), (21.0, 0.0, 0.0), (0.0, 0.9, 45.0),
     (18.5, 0.0, 2.5)],
)  # fmt: skip
def test_probe_runs_the_scenario_clock_to_the_first_peak_hour_after_its_warm_up(
    start_hour: float, warmup_days: float, measured_from_h: float
) -> None:
    scenario = load_scenario(
        "scenarios/baseline.yaml",
        [f"start_hour={start_hour}", f"warmup_days={warmup_days}", "duration_days=2"],
    )
    assert peak_hour(scenario) == 21
    probe = probe_scenario(scenario, 500)
    assert probe.start_hour == start_hour
    assert probe.warmup_days * 24 == pytest.approx(measured_from_h)
    assert probe.duration_days * 24 == pytest.approx(measured_from_h + 1)
    assert probe.population.users == 500


def test_probe_at_the_scenarios_size_measures_the_runs_own_peak_hour() -> None:
    """The platform fills as a run goes on (timelines start empty), so the probe must see
    the state the run has at its peak: replaying the run's clock, it is the run's prefix."""
    scenario = load_scenario("scenarios/ci-smoke.yaml")
    run = simulate(scenario)
    probe = simulate(probe_scenario(scenario, scenario.population.users))
    row = run.timeseries.t_hours.index(peak_hour(scenario) - scenario.start_hour)
    for name in PEAK_MEASURES:
        assert probe.result.metrics[name].value == run.timeseries.columns[name][row], name


def test_tally_keeps_the_covariance_of_each_paths_work_after_warm_up() -> None:
    """Counters submitted from `since_s` on give the sample covariance (ddof 0) per path."""
    env = simpy.Environment()
    tally = _TallyingModel(env, CapacityConfig(), np.random.default_rng(0))
    tally.since_s = 1.0
    tally.submit("timeline_read", Work(db_reads=100, cache_reads=100))  # warm-up: not kept
    env.run(until=1.0)
    rng = np.random.default_rng(3)
    calls = rng.poisson([4.0, 0.0, 30.0, 0.0, 2.0, 0.0, 0.0], size=(200, len(WORK_FIELDS)))
    for row in calls:
        tally.submit("timeline_read", Work(*map(int, row)))
    tally.submit("post", Work(db_writes=2, fanout_deliveries=10))
    assert tally.counts == {"timeline_read": 200, "post": 1}
    expected = np.cov(calls, rowvar=False, ddof=0)
    np.testing.assert_allclose(tally.covariance("timeline_read"), expected, atol=1e-9)
    assert tally.covariance("post") == pytest.approx(np.zeros((len(WORK_FIELDS),) * 2))
