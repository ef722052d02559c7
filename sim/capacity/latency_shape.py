"""A path's measured latency as a shifted gamma: a fixed part plus a gamma-distributed rest.

Load tests of the reference microblog on a shared machine do not show a fixed part plus an
exponential: most requests take close to the path's minimum and a few (thread and CPU
contention, the start of the run) far longer, so p99 sits well beyond what the p50–p95
gap of an exponential implies. A gamma's shape k covers both sides of the exponential
(k = 1): squared coefficient of variation 1/k, burstier below 1, steadier above. The three
parameters (fixed part, random mean, shape) are a least-squares fit to the path's mean
and percentiles, each error relative to the measured value so that p50 and p99 count
alike; the random mean can be held at what the capacity model prices, leaving the fixed
part and the shape to fit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares
from scipy.special import gammaincinv

FITTED_STATS: dict[str, float | None] = {
    "mean_ms": None, "p50_ms": 0.50, "p90_ms": 0.90, "p95_ms": 0.95, "p99_ms": 0.99,
}  # fmt: skip
"""Latency statistics fitted (`latency.<path>.<stat>`), with their quantile (None: the mean)."""
SHAPE_BOUNDS = (0.02, 200.0)
"""Shapes searched: SCV from 50 (a few very slow requests) to 0.005 (nearly fixed)."""


@dataclass(frozen=True)
class ShiftedGamma:
    """fixed_ms + a gamma of mean random_ms and shape `shape`; `rms` its fit's relative error."""

    fixed_ms: float
    random_ms: float
    shape: float
    rms: float = 0.0

    def stat(self, name: str) -> float:
        """The statistic `name` of `FITTED_STATS`, in ms."""
        quantile = FITTED_STATS[name]
        if quantile is None:
            return self.fixed_ms + self.random_ms
        scale = self.random_ms / self.shape
        return self.fixed_ms + scale * float(gammaincinv(self.shape, quantile))


def fit_shifted_gamma(
    measured: Mapping[str, float], random_ms: float | None = None
) -> ShiftedGamma:
    """The shifted gamma closest to `measured` (every `FITTED_STATS` key, ms).

    With `random_ms` given, the random part's mean is held there and only the fixed part
    and the shape are fitted; a random part of 0 leaves a fixed latency.
    """
    names = list(FITTED_STATS)
    target = np.array([measured[name] for name in names])
    mean, ceiling = measured["mean_ms"], measured["p99_ms"]
    if random_ms is not None and random_ms <= 0.0:
        return _scored(ShiftedGamma(mean, 0.0, 1.0), names, target)
    low_k, high_k = map(math.log, SHAPE_BOUNDS)

    def candidate(x: np.ndarray) -> ShiftedGamma:
        if random_ms is None:
            return ShiftedGamma(x[0], x[1], math.exp(x[2]))
        return ShiftedGamma(x[0], random_ms, math.exp(x[1]))

    def errors(x: np.ndarray) -> np.ndarray:
        fitted = candidate(x)
        return np.array([fitted.stat(name) for name in names]) / target - 1.0

    if random_ms is None:
        start = [mean / 2, mean / 2, 0.0]
        bounds = ([0.0, 0.0, low_k], [ceiling, ceiling, high_k])
    else:
        start = [max(mean - random_ms, 0.0), 0.0]
        bounds = ([0.0, low_k], [ceiling, high_k])
    solution = least_squares(errors, start, bounds=bounds)
    return _scored(candidate(solution.x), names, target)


def _scored(fitted: ShiftedGamma, names: list[str], target: np.ndarray) -> ShiftedGamma:
    relative = np.array([fitted.stat(name) for name in names]) / target - 1.0
    rms = float(np.sqrt(np.mean(relative**2)))
    return ShiftedGamma(fitted.fixed_ms, fitted.random_ms, fitted.shape, rms)
