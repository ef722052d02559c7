"""`fanout check-model`: the calibrated capacity model against a load test, path by path.

"The same offered load": the load test is closed-loop (Locust users with think time), the
capacity model open-loop. Each path's measured throughput is its arrival rate, so the
prediction is a discrete-event run of the capacity network alone (`CapacityModel`, the
simulator's own) fed Poisson arrivals at those rates, each request doing the path's mean
measured work, on the measured deployment's servers with the calibrated costs. It runs for
`horizon_s` simulated seconds, far longer than the test, so the predicted percentiles
carry little sampling noise of their own; the measured ones carry the test's.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Generator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy

from outcomes.result import Result
from scenario.capacity import CapacityConfig
from sim.capacity.fit import PathData, measured_paths, response_metric
from sim.capacity.model import CapacityModel

COMPARED = ("p50_ms", "p95_ms", "p99_ms")
"""Latency statistics compared, as `response.<path>.<stat>` (or `latency.`) names them."""


@dataclass(frozen=True)
class PathCheck:
    """Measured against predicted on one path (ms; requests/s); errors in percent."""

    path: str
    measured: dict[str, float]
    predicted: dict[str, float]

    def error_pct(self, stat: str) -> float:
        measured = self.measured[stat]
        return 100.0 * (self.predicted[stat] - measured) / measured if measured else math.nan


@dataclass(frozen=True)
class ModelCheck:
    paths: list[PathCheck]
    horizon_s: float
    uncalibrated: list[str]
    """Measured paths the calibration has no costs for (too few requests when it was
    measured): a prediction for them would price their work at zero, so none is made."""

    def as_dict(self) -> dict[str, Any]:
        stats = (*COMPARED, "requests_per_s")
        return {
            "horizon_s": self.horizon_s,
            "uncalibrated": self.uncalibrated,
            "paths": {
                check.path: {
                    stat: {
                        "measured": check.measured[stat],
                        "predicted": check.predicted[stat],
                        "error_pct": check.error_pct(stat),
                    }
                    for stat in stats
                }
                for check in self.paths
            },
        }


def check_model(
    config: CapacityConfig,
    result: Result,
    horizon_s: float,
    seed: int,
    calibrated: Collection[str],
) -> ModelCheck:
    """Predict every measured path the calibration priced (`calibrated`) at its measured
    rate and set it beside the measurement."""
    measured = measured_paths(result)
    paths = {path: data for path, data in measured.items() if path in calibrated}
    predicted = simulate(config, paths, horizon_s, np.random.default_rng(seed))
    checks = [
        PathCheck(
            path,
            measured={
                **{
                    stat: result.metrics[response_metric(result, path, stat)].value
                    for stat in COMPARED
                },
                "requests_per_s": data.requests_per_s,
            },
            predicted=predicted[path],
        )
        for path, data in sorted(paths.items())
    ]
    return ModelCheck(checks, horizon_s, sorted(set(measured) - set(paths)))


def simulate(
    config: CapacityConfig,
    paths: Mapping[str, PathData],
    horizon_s: float,
    rng: np.random.Generator,
) -> dict[str, dict[str, float]]:
    """Latency percentiles and throughput per path of an open-loop run at the paths' rates."""
    env = simpy.Environment()
    model = CapacityModel(env, config, rng)
    env.process(_arrivals(env, model, paths, rng))
    env.run(until=horizon_s)
    out = {}
    for path in paths:
        samples = model.latency_ms(path)
        quantiles = np.percentile(samples, [50.0, 95.0, 99.0]) if samples.size else [math.nan] * 3
        out[path] = dict(zip(COMPARED, map(float, quantiles), strict=True))
        out[path]["requests_per_s"] = samples.size / horizon_s
    return out


def _arrivals(
    env: simpy.Environment,
    model: CapacityModel,
    paths: Mapping[str, PathData],
    rng: np.random.Generator,
) -> Generator[simpy.Event, Any, None]:
    """Poisson arrivals of every path, merged: exponential gaps at the total rate."""
    names = list(paths)
    rates = np.array([paths[name].requests_per_s for name in names])
    total = rates.sum()
    while True:
        yield env.timeout(rng.exponential(1.0 / total))
        name = names[rng.choice(len(names), p=rates / total)]
        model.submit(name, paths[name].work)
