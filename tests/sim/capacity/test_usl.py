"""The USL fit recovers a known curve and refuses data with too few concurrency levels."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scenario.calibration import Scalability, UslCurve
from sim.capacity.render import scalability_line
from sim.capacity.usl import fit_usl, peak_within_reach, usl_throughput


def test_known_parameters_are_recovered_from_noisy_steps() -> None:
    users = np.array([1, 2, 4, 8, 16, 32, 64], dtype=float)
    truth = usl_throughput(users, 50.0, 0.05, 0.002)
    noisy = truth * (1.0 + np.random.default_rng(5).normal(0.0, 0.01, users.size))
    fit = fit_usl(users.tolist(), noisy.tolist()).usl
    assert fit is not None
    assert fit.lambda_per_user == pytest.approx(50.0, rel=0.05)
    assert fit.sigma == pytest.approx(0.05, abs=0.02)
    assert fit.kappa == pytest.approx(0.002, rel=0.25)
    assert fit.peak_users == pytest.approx(math.sqrt(0.95 / 0.002), rel=0.15)
    assert fit.r_squared > 0.99
    assert fit.max_users == 64


def test_linear_scaling_has_no_near_peak() -> None:
    """Throughput proportional to users: σ and κ come out (almost) 0, the peak far away."""
    fit = fit_usl([1, 2, 4, 8], [10.0, 20.0, 40.0, 80.0]).usl
    assert fit is not None
    assert fit.sigma == pytest.approx(0.0, abs=1e-6)
    assert fit.kappa == pytest.approx(0.0, abs=1e-6)
    assert fit.peak_users is None


def test_a_peak_far_beyond_the_measured_users_is_not_reported() -> None:
    """A κ this small puts N* at ~1 000 users, 25 times the 40 measured: no peak in reach."""
    assert peak_within_reach(0.05, 1e-6, max_users=40) is None
    assert peak_within_reach(0.05, 0.0, max_users=40) is None
    assert peak_within_reach(0.05, 1e-3, max_users=40) == pytest.approx(math.sqrt(950))


def test_the_calibration_line_says_when_no_peak_is_within_reach() -> None:
    curve = UslCurve(
        lambda_per_user=2.0, sigma=0.01, kappa=0.0, r_squared=0.99, max_users=40, peak_users=None
    )
    line = scalability_line(Scalability(levels=5, usl=curve))
    assert "no peak within reach" in line and "up to 40 users" in line and "N*" not in line


def test_two_levels_do_not_support_a_fit() -> None:
    fit = fit_usl([5, 5, 10], [40.0, 41.0, 70.0])
    assert fit.usl is None
    assert fit.levels == 2
    assert fit.unsupported is not None and "needs 3" in fit.unsupported
