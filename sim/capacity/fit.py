"""`fanout calibrate`: price a unit of work from what a load test measured.

A load test of the reference microblog records, per request path, the latency
distribution (`latency.<path>.*`), the throughput and the server's mean work per request
(`environment.loadtest.work_per_request`, from the responses' work headers). Each path's
latency is modelled as the capacity model serves it: a fixed, unqueued part plus
exponential service (and waits) on the stations, whose mean is the priced work.

1. Spread: for a fixed part plus an exponential of mean m, p95 − p50 = m·ln 10, so
   m = (p95 − p50)/ln 10 is the path's random part, measured without knowing the fixed one.
2. Unit costs: non-negative least squares of the paths' spreads on their mean work
   (columns: one request, pushes, db reads, db writes, cache reads, cache writes, merged
   items), each path weighted by the square root of its requests; R² and the residuals
   report how well the work explains the spreads. The per-item app cost (`app_unit_ms`) is
   not separable from the per-unit station costs (its column is their sum), so it is 0 and
   every unit's cost lands on the station that serves it.
3. Fixed part: the network solution at the measured rates on the measured deployment
   (`measured_deployment`) predicts each path's mean service plus wait;
   what the measured mean has beyond it is the path's fixed part. The smallest one is
   `network_ms` (every request pays it), the excess per path `path_overhead_ms`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import nnls

from microblog.api.settings import ServerSettings
from outcomes.result import Result
from outcomes.scenario.calibration import (
    CalibratedCosts,
    Calibration,
    Deployment,
    PathFit,
    WorkFit,
)
from outcomes.scenario.capacity import CapacityConfig
from sim.capacity.demand import MeanWork
from sim.capacity.network import solve

MIN_REQUESTS = 10
"""Paths with fewer requests reporting their work are left out: their percentiles are noise."""
EXPONENTIAL_SPREAD = math.log(10.0)
"""p95 − p50 of an exponential distribution with mean 1: ln(0.5/0.05)."""
COST_FIELDS = (
    "app_request_ms", "push_ms", "db_read_ms", "db_write_ms",
    "cache_read_ms", "cache_write_ms", "merge_ms",
)  # fmt: skip
"""Fitted `CapacityConfig` fields, one per column of `_columns`."""
SERVER_THREADS = 40
"""Requests the reference server runs at once: anyio's default thread limiter (FastAPI runs
sync endpoints in it), https://anyio.readthedocs.io/en/stable/threads.html."""
MIN_PATHS_PER_UNIT = 2
"""A unit of work gets a cost only when this many paths do some of it."""


class CalibrationInputError(ValueError):
    """The result cannot be calibrated from (bad input: exit 2)."""


@dataclass(frozen=True)
class PathData:
    """What the load test measured on one path."""

    requests_per_s: float
    work_requests: int
    work: MeanWork
    mean_ms: float
    p50_ms: float
    p95_ms: float

    @property
    def spread_ms(self) -> float:
        return max(0.0, (self.p95_ms - self.p50_ms) / EXPONENTIAL_SPREAD)


def calibrate(result: Result, source: str) -> Calibration:
    """The calibration of the capacity model from a load test's Result (see module docstring)."""
    paths = _fittable_paths(result)
    deployment = measured_deployment()
    rates = {path: data.requests_per_s for path, data in paths.items()}
    works = {path: data.work for path, data in paths.items()}
    costs, service = _fit_costs(paths)
    config = CapacityConfig(**costs, app_unit_ms=0.0, network_ms=0.0, **_servers(deployment))
    modelled = solve(config, rates, works).latency_ms
    overheads = {path: max(0.0, data.mean_ms - modelled[path].mean) for path, data in paths.items()}
    network_ms = min(overheads.values())
    residuals = {path: data.spread_ms - service[path] for path, data in paths.items()}
    fit = WorkFit(
        r_squared=_r_squared(service, paths),
        rms_residual_ms=_weighted_rms(residuals, paths),
        paths={
            path: PathFit(
                requests_per_s=data.requests_per_s,
                work_requests=data.work_requests,
                measured_mean_ms=data.mean_ms,
                measured_spread_ms=data.spread_ms,
                fitted_spread_ms=service[path],
                residual_ms=residuals[path],
                overhead_ms=overheads[path],
            )
            for path, data in paths.items()
        },
    )
    fitted = CalibratedCosts(
        **costs,
        app_unit_ms=0.0,
        network_ms=network_ms,
        path_overhead_ms={path: ms - network_ms for path, ms in overheads.items()},
    )
    return Calibration(source=source, capacity=fitted, deployment=deployment, fit=fit)


def measured_deployment() -> Deployment:
    """The server `fanout loadtest` starts: one uvicorn process running each request in a
    worker thread of anyio's pool (`SERVER_THREADS` at once), and its default background
    fan-out threads. CPU contention between the threads (one interpreter) is not a station:
    at a load test's modest utilisation it shows in the measured spread, which is fitted."""
    workers = ServerSettings.model_fields["background_fanout_workers"].default
    threads = SERVER_THREADS
    return Deployment(
        app_servers=threads, db_servers=threads, cache_servers=threads,
        fanout_workers=max(1, workers),
    )  # fmt: skip


def deployment_config(config: CapacityConfig, deployment: Deployment) -> CapacityConfig:
    """`config` with the measured deployment's servers."""
    return config.model_copy(update=_servers(deployment))


def _servers(deployment: Deployment) -> dict[str, int]:
    return deployment.model_dump()


def measured_paths(result: Result) -> dict[str, PathData]:
    """Paths of a load-test Result with `MIN_REQUESTS` or more requests reporting their work."""
    if result.kind != "loadtest":
        raise CalibrationInputError(f"calibration needs a load-test result, not a {result.kind}")
    loadtest: Mapping[str, Any] = result.environment.get("loadtest", {})
    works = loadtest.get("work_per_request")
    if not works:
        raise CalibrationInputError(
            "the result records no work per request (environment.loadtest.work_per_request): "
            "run `fanout loadtest` with this version against the reference server"
        )
    counts = loadtest.get("work_requests", {})
    return {
        path: _path_data(result, path, work, counts[path])
        for path, work in works.items()
        if counts.get(path, 0) >= MIN_REQUESTS and f"latency.{path}.p95_ms" in result.metrics
    }


def _fittable_paths(result: Result) -> dict[str, PathData]:
    paths = measured_paths(result)
    if len(paths) < len(COST_FIELDS):
        raise CalibrationInputError(
            f"only {len(paths)} paths have {MIN_REQUESTS}+ requests with work ({sorted(paths)}); "
            f"fitting {len(COST_FIELDS)} unit costs needs at least as many: run the test longer"
        )
    return paths


def _path_data(result: Result, path: str, work: Mapping[str, float], requests: int) -> PathData:
    metric = result.metrics
    return PathData(
        requests_per_s=metric[f"throughput.{path}.requests_per_s"].value,
        work_requests=requests,
        work=MeanWork(**work),
        mean_ms=metric[f"latency.{path}.mean_ms"].value,
        p50_ms=metric[f"latency.{path}.p50_ms"].value,
        p95_ms=metric[f"latency.{path}.p95_ms"].value,
    )


def _columns(work: MeanWork) -> list[float]:
    """One row of the design matrix, in `COST_FIELDS` order."""
    return [
        1.0, work.pushes, work.db_reads, work.db_writes,
        work.cache_reads, work.cache_writes, work.merged_items,
    ]  # fmt: skip


def _fit_costs(paths: Mapping[str, PathData]) -> tuple[dict[str, float], dict[str, float]]:
    """Unit costs (ms) fitted to the paths' spreads, and the fitted spreads.

    A unit carried by fewer than `MIN_PATHS_PER_UNIT` paths is confounded with those paths'
    own quirks (one path alone would fit it exactly), so its cost stays 0.
    """
    names = list(paths)
    design = np.array([_columns(paths[p].work) for p in names])
    design[:, (design > 0).sum(axis=0) < MIN_PATHS_PER_UNIT] = 0.0
    spreads = np.array([paths[p].spread_ms for p in names])
    weights = np.sqrt([paths[p].work_requests for p in names])
    coefficients, _ = nnls(design * weights[:, None], spreads * weights)
    costs = dict(zip(COST_FIELDS, coefficients.tolist(), strict=True))
    return costs, dict(zip(names, (design @ coefficients).tolist(), strict=True))


def _r_squared(modelled: Mapping[str, float], paths: Mapping[str, PathData]) -> float:
    """Weighted R² of the fitted spreads against the measured ones."""
    weights = np.array([paths[p].work_requests for p in modelled], dtype=float)
    measured = np.array([paths[p].spread_ms for p in modelled])
    mean = np.average(measured, weights=weights)
    total = float(np.sum(weights * (measured - mean) ** 2))
    residual = float(np.sum(weights * (measured - np.array(list(modelled.values()))) ** 2))
    return 1.0 - residual / total if total > 0 else 1.0


def _weighted_rms(residuals: Mapping[str, float], paths: Mapping[str, PathData]) -> float:
    weights = np.array([paths[p].work_requests for p in residuals], dtype=float)
    values = np.array(list(residuals.values()))
    return float(np.sqrt(np.average(values**2, weights=weights)))
