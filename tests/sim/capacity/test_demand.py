"""Work is priced per station exactly as the capacity config documents."""

from __future__ import annotations

import numpy as np
import pytest

from microblog.work import Work
from scenario.capacity import CapacityConfig
from sim.capacity.demand import WORK_FIELDS, demand, fanout_jobs, request_variance, servers


def test_demand_prices_each_unit_on_its_station() -> None:
    """App: fixed + per item + per push; db: rows; cache: entries and merges."""
    config = CapacityConfig()
    work = Work(2, 3, 5, 7, 11, 13, 17)
    need = demand(config, work)
    items = 2 + 3 + 5 + 7 + 11
    assert need.app_ms == pytest.approx(
        config.app_request_ms + config.app_unit_ms * items + config.push_ms * 13
    )
    assert need.db_ms == pytest.approx(config.db_read_ms * 2 + config.db_write_ms * 3)
    assert need.cache_ms == pytest.approx(
        config.cache_read_ms * 5 + config.cache_write_ms * 7 + config.merge_ms * 11
    )
    assert need.fanout_deliveries == 17


def test_mean_demand_is_demand_of_mean_work() -> None:
    """Pricing is linear, so the analytic solver may price a path's mean counters."""
    config = CapacityConfig()
    light, heavy = Work(db_reads=1, cache_reads=10), Work(db_reads=3, cache_reads=30)
    mean = Work(db_reads=2, cache_reads=20)
    pairs = zip(demand(config, light), demand(config, heavy), strict=True)
    averaged = [(a + b) / 2 for a, b in pairs]
    assert list(demand(config, mean)) == pytest.approx(averaged)


def test_request_variance_is_the_variance_of_the_priced_demand() -> None:
    """Var of each station's demand over sampled calls equals cᵀΣc from their covariance."""
    config = CapacityConfig(app_unit_ms=0.05, push_ms=0.3)
    rng = np.random.default_rng(7)
    calls = rng.poisson([3.0, 1.0, 40.0, 2.0, 5.0, 1.0, 300.0, 2.0], size=(500, len(WORK_FIELDS)))
    calls[:, 2] += 10 * calls[:, 0]  # cache reads grow with db reads: covariance matters
    priced = np.array([demand(config, Work(*map(int, row))).request_ms for row in calls])
    covariance = np.cov(calls, rowvar=False)
    expected = np.var(priced, axis=0, ddof=1)
    assert request_variance(config, covariance) == pytest.approx(expected.tolist(), rel=1e-9)


@pytest.mark.parametrize(("deliveries", "jobs"), [(0, 0), (1, 1), (1000, 1), (1001, 2), (2500, 3)])
def test_fanout_is_split_into_batches(deliveries: int, jobs: int) -> None:
    """A post becomes ceil(deliveries / fanout_batch) jobs."""
    assert fanout_jobs(CapacityConfig(fanout_batch=1000), deliveries) == jobs


def test_servers_reads_every_station_from_the_config() -> None:
    config = CapacityConfig(app_servers=3, db_servers=5, cache_servers=7, fanout_workers=9)
    assert servers(config) == {"app": 3, "db": 5, "cache": 7, "fanout": 9}
