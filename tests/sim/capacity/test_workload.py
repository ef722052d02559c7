"""The probe's tally of work per path: means and covariances of the submitted counters."""

from __future__ import annotations

import numpy as np
import pytest
import simpy

from microblog.work import Work
from outcomes.scenario.capacity import CapacityConfig
from sim.capacity.demand import WORK_FIELDS
from sim.capacity.workload import _TallyingModel


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
