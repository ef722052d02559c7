"""Gamma service shapes: the shifted-gamma fit of a path's latency, and the model and the
analytic network drawing and pricing service with a path's shape."""

from __future__ import annotations

import numpy as np
import pytest
import simpy

from microblog.work import Work
from scenario.capacity import CapacityConfig
from sim.capacity.latency_shape import FITTED_STATS, ShiftedGamma, fit_shifted_gamma
from sim.capacity.model import CapacityModel
from sim.capacity.network import solve

ONE_STATION = CapacityConfig(
    app_request_ms=4.0, app_unit_ms=0.0, network_ms=0.0, app_servers=1000
)  # a path that only visits the app station, which never queues


def stats_of(shifted: ShiftedGamma) -> dict[str, float]:
    return {name: shifted.stat(name) for name in FITTED_STATS}


@pytest.mark.parametrize("shape", [0.2, 1.0, 5.0])
def test_a_shifted_gamma_is_recovered_from_its_own_percentiles(shape: float) -> None:
    """Bursty, exponential and steady random parts come back with their fixed part."""
    truth = ShiftedGamma(fixed_ms=3.0, random_ms=2.5, shape=shape)
    fitted = fit_shifted_gamma(stats_of(truth))
    assert fitted.fixed_ms == pytest.approx(3.0, rel=0.02)
    assert fitted.random_ms == pytest.approx(2.5, rel=0.02)
    assert fitted.shape == pytest.approx(shape, rel=0.05)
    assert fitted.rms < 1e-3


def test_holding_the_random_mean_fits_fixed_part_and_shape_only() -> None:
    truth = ShiftedGamma(fixed_ms=5.0, random_ms=2.0, shape=3.0)
    fitted = fit_shifted_gamma(stats_of(truth), random_ms=2.0)
    assert (fitted.fixed_ms, fitted.shape) == pytest.approx((5.0, 3.0), rel=0.02)
    assert fit_shifted_gamma(stats_of(truth), random_ms=0.0).random_ms == 0.0


@pytest.mark.parametrize("shape", [0.5, 4.0])
def test_the_model_draws_a_paths_service_with_its_shape(shape: float) -> None:
    """Mean kept, squared coefficient of variation 1/shape; other paths stay exponential."""
    config = ONE_STATION.model_copy(update={"path_service_shape": {"timeline_read": shape}})
    model = CapacityModel(simpy.Environment(), config, np.random.default_rng(3))
    for _ in range(40_000):
        model.submit("timeline_read", Work())
        model.submit("post", Work())
        model.env.run(until=model.env.now + 1.0)
    for path, scv in (("timeline_read", 1.0 / shape), ("post", 1.0)):
        latency = model.latency_ms(path)
        assert latency.mean() == pytest.approx(4.0, rel=0.03), path
        assert latency.var() / latency.mean() ** 2 == pytest.approx(scv, rel=0.06), path


def test_the_network_prices_a_paths_shape_into_its_percentiles() -> None:
    """A lone gamma service: the analytic p95 is the gamma's own."""
    config = ONE_STATION.model_copy(update={"path_service_shape": {"timeline_read": 4.0}})
    latency = solve(config, {"timeline_read": 1.0}, {"timeline_read": Work()}).latency_ms
    expected = ShiftedGamma(0.0, 4.0, 4.0).stat("p95_ms")
    assert latency["timeline_read"].p95 == pytest.approx(expected, rel=0.01)
