"""Sessions arrive as one Poisson process shaped by the diurnal curve, thinned of churners."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from scenario import Scenario
from scenario.behaviour import BehaviourConfig
from sim.arrivals import (
    SECONDS_PER_DAY,
    SECONDS_PER_HOUR,
    PoissonArrivals,
    clock_segments,
    diurnal_profile,
)
from sim.propensity import active_share, activity_shape, session_rates

from .conftest import run_once

EVENING = [0.0] * 6 + [0.5] * 6 + [1.0] * 6 + [3.0] * 6
"""Nobody before 6 h, then rising to a strong evening."""


def test_clock_segments_split_at_clock_hours_from_a_fractional_start() -> None:
    segments = list(clock_segments(20.5, 0.0, 2 * SECONDS_PER_HOUR))
    assert [(s.start_s, s.end_s, s.hour_of_day) for s in segments] == [
        (0.0, 1800.0, 20),
        (1800.0, 5400.0, 21),
        (5400.0, 7200.0, 22),
    ]


def test_hourly_arrivals_follow_the_diurnal_weights() -> None:
    rates = np.full(5000, 10.0)
    arrivals = PoissonArrivals(rates, diurnal_profile(EVENING), np.random.default_rng(3))
    counts = [arrivals.draw(s)[0].size for s in clock_segments(0.0, 0.0, SECONDS_PER_DAY)]
    assert counts[:6] == [0] * 6
    assert np.corrcoef(counts, EVENING)[0, 1] > 0.99
    assert sum(counts) == pytest.approx(rates.sum(), rel=0.02)


def test_arrivals_pick_accounts_by_rate_and_skip_those_not_present() -> None:
    rates = np.array([1.0, 0.0, 3.0, 4.0]) * 5000
    present = np.array([True, True, True, False])
    arrivals = PoissonArrivals(rates, diurnal_profile([1.0] * 24), np.random.default_rng(4))
    times, rows = arrivals.draw(next(clock_segments(0.0, 0.0, SECONDS_PER_HOUR)), present)
    assert np.all(np.diff(times) >= 0)
    assert set(rows.tolist()) == {0, 2}
    assert np.mean(rows == 2) == pytest.approx(0.75, abs=0.03)


def test_gamma_activity_makes_the_daily_active_share_and_sessions_per_active_user() -> None:
    """DAU/MAU 0.43 with 6 sessions per active user, in expectation and in a sample."""
    shape = activity_shape(0.43, 6.0)
    assert active_share(shape, 0.43 * 6.0) == pytest.approx(0.43, abs=1e-6)
    rng = np.random.default_rng(5)
    sessions = rng.poisson(session_rates(200_000, BehaviourConfig(), rng))
    assert np.mean(sessions > 0) == pytest.approx(0.43, abs=0.01)
    assert sessions[sessions > 0].mean() == pytest.approx(6.0, rel=0.03)


def test_simulated_sessions_per_hour_follow_the_curve(tiny: Callable[..., Scenario]) -> None:
    _, outcome = run_once(
        tiny(duration_days=1, start_hour=0, population={"users": 1500},
             behaviour={"diurnal": EVENING})
    )  # fmt: skip
    sessions = outcome.timeline.columns["users.sessions"]
    assert sessions[:6] == [0.0] * 6
    assert np.corrcoef(sessions, EVENING)[0, 1] > 0.95
