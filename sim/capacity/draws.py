"""The capacity model's random draws: service factors, fan-out job factors, path delays.

A service time is a station's priced demand times a factor of mean 1: exponential, or 1
(`service_distribution`), or a gamma of the path's shape (`path_service_shape`). Each kind
of draw has its own stream spawned from the run's capacity generator, and each stream is
consumed in an order fixed by the run alone (requests in submission order, fan-out jobs
and delays in completion order), never by when the model happens to solve a batch: so a
run's latencies do not depend on the batch size, and the same seed gives the same numbers.
"""

from __future__ import annotations

import numpy as np

from scenario.capacity import CapacityConfig


class CapacityDraws:
    """Seeded streams of mean-1 factors for one capacity model."""

    def __init__(self, rng: np.random.Generator, config: CapacityConfig) -> None:
        self._exponential = config.service_distribution == "exponential"
        shapes = sorted(set(config.path_service_shape.values()))
        services, fanout, delays, *by_shape = rng.spawn(3 + len(shapes))
        self._services, self._fanout, self._delays = services, fanout, delays
        self._by_shape = dict(zip(shapes, by_shape, strict=True))

    def service_factors(self, visits: np.ndarray, shapes: np.ndarray) -> np.ndarray:
        """Factors for each visited (row, station) of `visits`, 1 elsewhere; row `i` is
        gamma of `shapes[i]` (NaN: the run's `service_distribution`)."""
        factors = np.ones(visits.shape)
        plain = visits & np.isnan(shapes)[:, None]
        if self._exponential:
            factors[plain] = self._services.standard_exponential(int(plain.sum()))
        for shape, rng in self._by_shape.items():
            shaped = visits & (shapes == shape)[:, None]
            factors[shaped] = rng.standard_gamma(shape, int(shaped.sum())) / shape
        return factors

    def fanout_factors(self, jobs: int) -> np.ndarray:
        """Factors of `jobs` fan-out jobs (they follow `service_distribution`)."""
        if not self._exponential:
            return np.ones(jobs)
        return self._fanout.standard_exponential(jobs)

    def delays_ms(self, means_ms: np.ndarray, shapes: np.ndarray) -> np.ndarray:
        """Gamma delays of these means and shapes; 0 where the mean is 0 (no delay drawn)."""
        delays = np.zeros(means_ms.shape)
        has = means_ms > 0.0
        delays[has] = means_ms[has] * self._delays.standard_gamma(shapes[has]) / shapes[has]
        return delays
