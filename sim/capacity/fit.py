"""`fanout calibrate`: price a unit of work from what a load test measured.

A load test of the reference microblog records, per request path, the latency
distribution (`latency.<path>.*`; on a schedule the server's own `response.<path>.*`,
without the generator's lateness, is read instead), the throughput and the server's mean
work per request (`environment.loadtest.work_per_request`, from the responses' work
headers). Each path's
latency is modelled as the capacity model serves it: a fixed, unqueued part plus service
(and waits) on the stations, whose mean is the priced work and whose spread is a gamma
of the path's shape (`path_service_shape`; see sim.capacity.latency_shape for why not
an exponential).

1. Random part: a shifted gamma fitted to each path's mean and percentiles separates the
   path's fixed part from its random part, whose mean is what the stations must explain.
2. Unit costs: non-negative least squares of the paths' random means on their mean work
   (columns: one request, pushes, db reads, db writes, cache reads, cache writes, merged
   items), on residuals relative to each path's random mean, each weighted by the square
   root of its requests; R² and the residuals report how well the work explains them.
   Relative residuals keep a slow path from pricing a unit it shares with a fast one: on
   this machine chat_presence (1.8 pushes, a ~21 ms random part that is mostly waiting on
   the friends' sockets) and chat_send (1 push, ~0.9 ms) share `pushes`, and absolute
   residuals priced a push at ~6 ms, so chat_send's p50 was predicted at 2.5× its
   measured value (0 of 15 cross-checks within 25 %; 15 of 15 with relative residuals).
   chat_presence keeps the rest of its random part as delay (step 3). Paths that wait on
   the payment gateway (`EXTERNAL_WAIT_PATHS`) take no part: their random part is mostly
   that wait, not server work, and fitted in it priced every database write at
   milliseconds. They are priced with the costs the others give, and the rest of their
   random part becomes their delay (step 3). The per-item app cost (`app_unit_ms`) is not
   separable from the per-unit station costs (its column is their sum), so it is 0 and
   every unit's cost lands on the station that serves it.
3. Fixed part, delay and shape: the network solution at the measured rates on the
   measured deployment (`measured_deployment`) predicts each path's mean service plus
   wait, the priced part (`split_random_part`). Where it is below the path's measured
   random mean, the rest becomes an unqueued random delay (`path_delay_ms`): the path
   keeps its own shifted gamma, split into a priced and a delayed gamma of the same scale,
   whose sum is exactly that gamma. Where the model prices at least the measured random
   mean, the path's shifted gamma is fitted again with its random mean held at the
   priced part and there is no delay. The fixed part is what the path has beyond both
   (the smallest is `network_ms`, every request pays it; the excess per path
   `path_overhead_ms`) and the priced part's shape becomes `path_service_shape`, so the
   model reproduces each path's distribution even where the unit costs explain its mean
   only roughly (R² of 0–0.3 on this machine), while the priced part still queues.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import nnls

from microblog.api.settings import ServerSettings
from outcomes.result import Result
from scenario.calibration import (
    CalibratedCosts,
    Calibration,
    Deployment,
    PathFit,
    Scalability,
    WorkFit,
)
from scenario.capacity import CapacityConfig
from sim.capacity.demand import WORK_FIELDS, MeanWork, demand
from sim.capacity.latency_shape import FITTED_STATS, ShiftedGamma, fit_shifted_gamma
from sim.capacity.network import solve
from sim.capacity.usl import fit_usl

MIN_REQUESTS = 10
"""Paths with fewer requests reporting their work are left out: their percentiles are noise."""
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
EXTERNAL_WAIT_PATHS = frozenset({"topup"})
"""Paths whose latency is mostly a wait outside the server: a top-up waits for the
(simulated) payment gateway's confirmation, about 300 ms against a few ms of its own work."""
RELATIVE_FLOOR_MS = 0.01
"""Smallest random mean a path's residual is taken relative to (10 µs, ten times the
latency metrics' 1 µs resolution), so a path measured with no spread does not get an
unbounded weight."""


class CalibrationInputError(ValueError):
    """The result cannot be calibrated from (bad input: exit 2)."""


@dataclass(frozen=True)
class PathData:
    """What the load test measured on one path."""

    requests_per_s: float
    work_requests: int
    work: MeanWork
    latency_ms: dict[str, float]
    """The path's `FITTED_STATS`."""


def calibrate(result: Result, source: str) -> Calibration:
    """The calibration of the capacity model from a load test's Result (see module docstring)."""
    paths = _fittable_paths(result)
    own = {path: fit_shifted_gamma(data.latency_ms) for path, data in paths.items()}
    random_ms = {path: shifted.random_ms for path, shifted in own.items()}
    deployment = measured_deployment()
    server_bound = _server_bound(paths)
    costs, fitted_ms = _fit_costs(paths, random_ms, fitted_on=server_bound)
    config = CapacityConfig(**costs, app_unit_ms=0.0, network_ms=0.0, **_servers(deployment))
    rates = {path: data.requests_per_s for path, data in paths.items()}
    works = {path: data.work for path, data in paths.items()}
    modelled = solve(config, rates, works).latency_ms
    splits = {
        path: split_random_part(own[path], data.latency_ms, modelled[path].mean)
        for path, data in paths.items()
    }
    network_ms = min(split.whole.fixed_ms for split in splits.values())
    residuals = {path: random_ms[path] - fitted_ms[path] for path in server_bound}
    fit = WorkFit(
        r_squared=_r_squared({p: fitted_ms[p] for p in server_bound}, random_ms, server_bound),
        rms_residual_ms=_weighted_rms(residuals, server_bound),
        paths={
            path: _path_fit(data, own[path], fitted_ms[path], splits[path])
            for path, data in paths.items()
        },
    )
    fitted = CalibratedCosts(
        **costs,
        app_unit_ms=0.0,
        network_ms=network_ms,
        path_overhead_ms={path: s.whole.fixed_ms - network_ms for path, s in splits.items()},
        path_service_shape={
            path: station_shape(config, paths[path].work, split.priced_shape)
            for path, split in splits.items()
            if split.priced_ms > 0.0
        },
        path_delay_ms={path: s.delay_ms for path, s in splits.items() if s.delay_ms > 0.0},
        path_delay_shape={path: s.delay_shape for path, s in splits.items() if s.delay_ms > 0.0},
    )
    scalability = _scalability(result)
    return Calibration(
        source=source, capacity=fitted, deployment=deployment, fit=fit, scalability=scalability
    )


def _scalability(result: Result) -> Scalability | None:
    """The USL fit of the result's per-level throughput (None if it records no levels)."""
    levels = result.environment.get("loadtest", {}).get("concurrency_levels")
    if levels is None:
        return None
    return fit_usl(
        [level["users"] for level in levels], [level["requests_per_s"] for level in levels]
    )


def station_shape(config: CapacityConfig, work: MeanWork, path_shape: float) -> float:
    """The gamma shape k per station visit that gives the path's whole random part `path_shape`.

    The model draws each station's service independently with the path's shape, so a path
    spread over stations with demands m_i has SCV Σm_i²/(k·(Σm_i)²); waits, negligible on
    the measured deployment's many threads, are left out.
    """
    demands = np.array([ms for ms in demand(config, work).request_ms if ms > 0.0])
    return float(path_shape * np.sum(demands**2) / np.sum(demands) ** 2)


@dataclass(frozen=True)
class RandomSplit:
    """A path's latency as the model serves it: `whole` is the shifted gamma of the path
    (fixed part, random mean and shape), whose random part is `priced_ms` of service and
    waits on the stations plus an unqueued delay of the rest, both gammas of the whole's
    scale."""

    whole: ShiftedGamma
    priced_ms: float

    @property
    def delay_ms(self) -> float:
        return self.whole.random_ms - self.priced_ms

    @property
    def priced_shape(self) -> float:
        return self.whole.shape * self.priced_ms / self.whole.random_ms

    @property
    def delay_shape(self) -> float:
        return self.whole.shape * self.delay_ms / self.whole.random_ms


def split_random_part(
    own: ShiftedGamma, measured: Mapping[str, float], priced_ms: float
) -> RandomSplit:
    """Split a path's random part into what the model prices and an unqueued delay.

    With `priced_ms` below the path's own fitted random mean, the path keeps its own fit
    (`own`) and the delay is the rest of its random mean. Independent gammas add up to a
    gamma only when they share a scale θ (shapes k·m/R and k·d/R sum to Gamma(k, θ) when
    m + d = R), so this is the one split into a gamma priced part and a gamma delay that
    reproduces the fitted mean and percentiles exactly, at the measured load, with no
    further fit. The measured distribution cannot tell how the variance divides between
    the two; the common scale divides it in proportion to the means. Its cost: the priced
    part's SCV is the path's times R/m, so a path whose work explains little has bursty
    priced service, which queues at high utilisation. Keeping the priced part as variable
    as the path (SCV 1/k) and moment-matching the delay instead moves a bursty path's
    p50 (k = 0.3: the random part's p50 by up to ~40 %, p90–p95 by ~7–10 %).
    With `priced_ms` at or above the measured random mean there is nothing left to delay:
    the shifted gamma is refitted with its random mean held at `priced_ms`.
    """
    if own.random_ms > priced_ms:
        return RandomSplit(own, priced_ms)
    return RandomSplit(fit_shifted_gamma(measured, priced_ms), priced_ms)


def _path_fit(data: PathData, own: ShiftedGamma, fitted_ms: float, split: RandomSplit) -> PathFit:
    return PathFit(
        requests_per_s=data.requests_per_s,
        work_requests=data.work_requests,
        measured_mean_ms=data.latency_ms["mean_ms"],
        measured_random_ms=own.random_ms,
        fitted_random_ms=fitted_ms,
        residual_ms=own.random_ms - fitted_ms,
        overhead_ms=split.whole.fixed_ms,
        modelled_random_ms=split.priced_ms,
        delay_ms=split.delay_ms,
        shape=split.whole.shape,
        shape_rms=split.whole.rms,
    )


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
        if counts.get(path, 0) >= MIN_REQUESTS
        and all(response_metric(result, path, stat) in result.metrics for stat in FITTED_STATS)
    }


def response_metric(result: Result, path: str, stat: str) -> str:
    """The metric holding the server's own response time for a path's statistic.

    On a schedule (open model, replay) `latency.*` counts from when a request was due, so it
    includes the load generator's lateness; `response.*` beside it is the server's part.
    A closed-model test reports `latency.*` alone, which is then the response time.
    """
    response = f"response.{path}.{stat}"
    return response if response in result.metrics else f"latency.{path}.{stat}"


def _fittable_paths(result: Result) -> dict[str, PathData]:
    paths = measured_paths(result)
    fitting = _server_bound(paths)
    if len(fitting) < len(COST_FIELDS):
        raise CalibrationInputError(
            f"only {len(fitting)} paths have {MIN_REQUESTS}+ requests with work and no wait "
            f"outside the server ({sorted(fitting)}); fitting {len(COST_FIELDS)} unit costs "
            "needs at least as many: run the test longer"
        )
    return paths


def _server_bound(paths: Mapping[str, PathData]) -> dict[str, PathData]:
    """The paths whose latency is the server's own work (not `EXTERNAL_WAIT_PATHS`)."""
    return {path: data for path, data in paths.items() if path not in EXTERNAL_WAIT_PATHS}


def _path_data(result: Result, path: str, work: Mapping[str, float], requests: int) -> PathData:
    metric = result.metrics
    return PathData(
        requests_per_s=metric[f"throughput.{path}.requests_per_s"].value,
        work_requests=requests,
        # Media bytes are priced on the media station (sim/capacity/media_live.py), not in
        # the request stations' unit costs this fit finds.
        work=MeanWork(**{name: work[name] for name in WORK_FIELDS if name in work}),
        latency_ms={
            stat: metric[response_metric(result, path, stat)].value for stat in FITTED_STATS
        },
    )


def _columns(work: MeanWork) -> list[float]:
    """One row of the design matrix, in `COST_FIELDS` order."""
    return [
        1.0, work.pushes, work.db_reads, work.db_writes,
        work.cache_reads, work.cache_writes, work.merged_items,
    ]  # fmt: skip


def _fit_costs(
    paths: Mapping[str, PathData],
    random_ms: Mapping[str, float],
    fitted_on: Mapping[str, PathData],
) -> tuple[dict[str, float], dict[str, float]]:
    """Unit costs (ms) fitted to the random means of the `fitted_on` paths, and the means
    those costs give every one of `paths`.

    A unit carried by fewer than `MIN_PATHS_PER_UNIT` paths is confounded with those paths'
    own quirks (one path alone would fit it exactly), so its cost stays 0.
    """
    names = list(fitted_on)
    design = np.array([_columns(fitted_on[p].work) for p in names])
    design[:, (design > 0).sum(axis=0) < MIN_PATHS_PER_UNIT] = 0.0
    target = np.array([random_ms[p] for p in names])
    weights = np.sqrt(_fit_weights(names, fitted_on, random_ms))
    coefficients, _ = nnls(design * weights[:, None], target * weights)
    costs = dict(zip(COST_FIELDS, coefficients.tolist(), strict=True))
    priced = {p: float(np.array(_columns(data.work)) @ coefficients) for p, data in paths.items()}
    return costs, priced


def _fit_weights(
    names: Sequence[str], paths: Mapping[str, PathData], random_ms: Mapping[str, float]
) -> np.ndarray:
    """Each named path's weight in the squared residuals: its requests over its random mean
    squared (relative residuals, see the module docstring), in `names` order."""
    requests = np.array([paths[p].work_requests for p in names], dtype=float)
    means = np.array([random_ms[p] for p in names])
    return requests / np.maximum(means, RELATIVE_FLOOR_MS) ** 2


def _r_squared(
    modelled: Mapping[str, float], measured: Mapping[str, float], paths: Mapping[str, PathData]
) -> float:
    """R² of the fitted random means against the measured ones, under the weights the fit
    minimises (`_fit_weights`): the share of the paths' relative variation the work
    explains. (Weighted by requests alone it went negative on this machine once the fit
    was relative: chat_presence's 20 ms dominated the sum the fit no longer chases.)"""
    weights = _fit_weights(list(modelled), paths, measured)
    observed = np.array([measured[p] for p in modelled])
    mean = np.average(observed, weights=weights)
    total = float(np.sum(weights * (observed - mean) ** 2))
    residual = float(np.sum(weights * (observed - np.array(list(modelled.values()))) ** 2))
    return 1.0 - residual / total if total > 0 else 1.0


def _weighted_rms(residuals: Mapping[str, float], paths: Mapping[str, PathData]) -> float:
    weights = np.array([paths[p].work_requests for p in residuals], dtype=float)
    values = np.array(list(residuals.values()))
    return float(np.sqrt(np.average(values**2, weights=weights)))
