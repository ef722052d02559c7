"""Universal Scalability Law: throughput against concurrency, fitted to a stepped load test.

Gunther's USL, X(N) = λN / (1 + σ(N − 1) + κN(N − 1)): λ is the throughput of one user
alone, σ the contention (the serial share of the work, which flattens the curve) and κ
the coherency delay (crosstalk between users, which bends it down). With κ > 0 the
throughput peaks at N* = sqrt((1 − σ)/κ) users and falls beyond it. Three parameters
need at least `MIN_LEVELS` distinct concurrency levels; with fewer the data do not
support a fit and `fit_usl` says so instead of inventing one. Nor is a peak reported far
beyond the largest concurrency measured: a tiny fitted κ (1e-9 puts N* at tens of
thousands) says only that throughput has not yet bent down.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.optimize import curve_fit

from scenario.calibration import Scalability, UslCurve

MIN_LEVELS = 3
"""Distinct concurrency levels the three-parameter fit needs."""
PEAK_REACH = 10.0
"""N* more than this many times the largest measured user count is not reported: κ fitted
to levels an order of magnitude below the peak is too small to place it."""


def usl_throughput(
    users: np.ndarray, lambda_per_user: float, sigma: float, kappa: float
) -> np.ndarray:
    """X(N) of the USL."""
    return lambda_per_user * users / (1.0 + sigma * (users - 1.0) + kappa * users * (users - 1.0))


def fit_usl(users: Sequence[float], throughput: Sequence[float]) -> Scalability:
    """The least-squares USL through (users, throughput) points, bounded to σ, κ ≥ 0."""
    n = np.asarray(users, dtype=float)
    x = np.asarray(throughput, dtype=float)
    distinct = len(set(n.tolist()))
    if distinct < MIN_LEVELS:
        return Scalability(
            levels=distinct,
            unsupported=f"{distinct} concurrency level(s); a USL fit needs {MIN_LEVELS} or more: "
            "run a stepped load (loadtest.shape: steps, e.g. scenarios/calibrate-steps.yaml)",
        )
    start = (float(np.max(x / n)), 0.01, 0.0001)
    bounds = ([0.0, 0.0, 0.0], [np.inf, np.inf, np.inf])
    (lam, sigma, kappa), _ = curve_fit(usl_throughput, n, x, p0=start, bounds=bounds)
    residual = float(np.sum((x - usl_throughput(n, lam, sigma, kappa)) ** 2))
    total = float(np.sum((x - x.mean()) ** 2))
    max_users = int(n.max())
    curve = UslCurve(
        lambda_per_user=float(lam),
        sigma=float(sigma),
        kappa=float(kappa),
        r_squared=1.0 - residual / total if total > 0 else 1.0,
        max_users=max_users,
        peak_users=peak_within_reach(float(sigma), float(kappa), max_users),
    )
    return Scalability(levels=distinct, usl=curve)


def peak_within_reach(sigma: float, kappa: float, max_users: int) -> float | None:
    """N*, or None when there is none (κ = 0, σ ≥ 1) or it lies beyond PEAK_REACH × max_users."""
    if kappa <= 0.0 or sigma >= 1.0:
        return None
    peak = math.sqrt((1.0 - sigma) / kappa)
    return peak if peak <= PEAK_REACH * max_users else None
