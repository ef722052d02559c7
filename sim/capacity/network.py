"""Closed-form solution of the whole platform as an open network of multi-server stations.

Input: arrival rates per path (requests/s), the mean `Work` of a request of each path and,
optionally, the covariance of its work counters (requests of one path do different work:
a timeline read's rows grow with the followees and their posts). Each station is solved
on its own as a G/G/c queue with Poisson arrivals (`analytic.Queue`, Allen–Cunneen with
Ca² = 1; a decomposition in the spirit of Jackson networks):

- a station's arrival rate is the total rate of the paths that put demand on it, its mean
  service the rate-weighted mean demand, and its service SCV that of the mixture of all
  requests' service times: per path, the priced demand D varies with the work
  (Var[D] = cᵀΣc, `demand.request_variance`) and the simulator draws the service as D
  times an exponential, fixed or (a path in `path_service_shape`) gamma factor, so
  E[S²] = E[D²]·(2, 1 or 1 + 1/k). With the mean work alone (no covariance) and exponential
  service this is the M/M/c-per-class mixture of before, and a station serving a single
  kind of exponential job is exactly M/M/c (Erlang C);
- a path's mean latency is `network_ms`, its `path_overhead_ms` and the mean of its
  unqueued `path_delay_ms` plus, per station it visits, the mean wait plus its own mean
  service;
- percentiles: each station's wait keeps the M/M/c shape, P(W > 0) = Erlang C and an
  exponential wait beyond, with the Allen–Cunneen mean (`Queue.wait_tail`). When a path
  visits a single station with an exactly exponential or fixed service time and has no
  delay they are exact for that queue (`Queue.response_quantile`); otherwise the random
  part (waits, variable service times and the delay, with their variances) is
  approximated by a gamma distribution with the same mean and variance (all taken as
  independent), shifted by the fixed part (network and fixed services);
- fan-out: every post is split into ceil(deliveries/`fanout_batch`) jobs (of the mean
  deliveries), each a job on the `fanout` station. The lag reported is that of the
  *largest* account: its jobs arrive together, the first waits like any job (wait quantile
  of the station), then the batch drains over the workers — ceil(n/c) job times for fixed
  service, (n − c)/c + H_c job times for exponential (the expected makespan when all c
  workers start together). It bounds every other post's lag, so an SLO on
  `fanout.lag.p99_s` checked against it is conservative.

The approximations (Poisson arrivals at every station, independence between stations,
Allen–Cunneen for mixed service, fan-out bursts treated as Poisson jobs of the mean post's
size) are exact for a path that visits one station serving a single kind of exponential
job (M/M/c). Against the discrete-event `CapacityModel` on a four-path workload at ρ up
to 0.7 (`tests/sim/capacity/test_network.py`) utilisations agree within ~2 %, mean
latencies within ~4 % (exponential service) and ~6 % (fixed service), p99 within ~16 %
(the gamma overestimates for fixed service, whose smoothed departures the decomposition
ignores). With work varying within a path (one timeline read in ten 24 times longer, at
ρ ≈ 0.6) means are 1–11 % low and p99 up to 30 % low: a long request is long on every
station, which independent stations ignore; the mean work alone was 1.5–1.9 times low.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy.special import digamma, gammaincinv

from scenario.capacity import CapacityConfig
from sim.capacity.analytic import PERCENTILES, Percentiles, Queue
from sim.capacity.demand import (
    REQUEST_STATIONS,
    Delay,
    WorkCounts,
    demand,
    fanout_jobs,
    fixed_ms,
    request_variance,
    servers,
    service_factor_moment,
    unqueued_delay,
)

MS_PER_S = 1000.0
_QUANTILES = tuple(p / 100.0 for p in PERCENTILES)
_SATURATED = Percentiles(*([math.inf] * (1 + len(PERCENTILES))))


@dataclass(frozen=True, slots=True)
class PlatformSolution:
    """The platform under a load: per-station queues (per second/seconds), latencies, lag."""

    capacity: CapacityConfig
    requests_per_s: float
    stations: dict[str, Queue]
    latency_ms: dict[str, Percentiles]
    largest_fanout: float
    """Deliveries of the largest account's post, whose lag `fanout_lag_s` is."""
    fanout_lag_s: Percentiles

    def metrics(self) -> dict[str, float]:
        """Values under the Result metric names (`latency.<path>.p99_ms`, `utilization.db`...)."""
        values = {"throughput.requests_per_s": self.requests_per_s}
        values |= {f"utilization.{name}": q.utilisation for name, q in self.stations.items()}
        for path, latency in self.latency_ms.items():
            values |= {f"latency.{path}.{stat}_ms": v for stat, v in latency._asdict().items()}
        values |= {f"fanout.lag.{stat}_s": v for stat, v in self.fanout_lag_s._asdict().items()}
        return values


def solve(
    config: CapacityConfig,
    rates: Mapping[str, float],
    works: Mapping[str, WorkCounts],
    largest_fanout: float = 0.0,
    covariances: Mapping[str, np.ndarray] | None = None,
) -> PlatformSolution:
    """Solve the platform for `rates` (requests/s per path) of `works` (mean work per path).

    `largest_fanout` is the follower count of the largest account whose posts fan out on
    write; the largest mean deliveries of any path is used when it is smaller.
    `covariances` gives, per path, the covariance of a request's work counters
    (`demand.WORK_FIELDS` order); a path without one does exactly its mean work every time.
    """
    _check_paths(rates, works)
    exponential = config.service_distribution == "exponential"
    spreads = covariances or {}
    needs = {path: _need(config, path, works[path], spreads.get(path)) for path in rates}
    counts = servers(config)
    queues = {
        name: _station_queue(classes, counts[name])
        for name, classes in _job_classes(config, rates, needs, exponential).items()
    }
    latency = {
        path: _path_latency(
            need, queues, fixed_ms(config, path) / MS_PER_S, unqueued_delay(config, path)
        )
        for path, need in needs.items()
    }
    biggest = max([largest_fanout, *(need.deliveries for need in needs.values())])
    lag = _fanout_lag(config, queues["fanout"], biggest, exponential)
    return PlatformSolution(config, sum(rates.values()), queues, latency, biggest, lag)


class _Service(NamedTuple):
    """One request's service at one station, in seconds: mean and variance of the time."""

    mean: float
    variance: float

    @property
    def second_moment(self) -> float:
        return self.variance + self.mean**2


class _Need(NamedTuple):
    """A path's service at each of `REQUEST_STATIONS` and its mean fan-out deliveries."""

    services: tuple[_Service, ...]
    deliveries: float


def _need(
    config: CapacityConfig, path: str, work: WorkCounts, covariance: np.ndarray | None
) -> _Need:
    """Mean and variance of a path's service time per station.

    The simulator draws a call's service as its priced demand D times an independent
    factor E of mean 1 (exponential, gamma of the path's shape, or exactly 1), so
    E[S] = E[D] and Var[S] = E[D²]·E[E²] − E[D]² (`demand.service_factor_moment`).
    """
    priced = demand(config, work)
    variances = (
        request_variance(config, covariance)
        if covariance is not None
        else (0.0,) * len(REQUEST_STATIONS)
    )
    factor = service_factor_moment(config, path)
    services = []
    for mean_ms, variance_ms in zip(priced.request_ms, variances, strict=True):
        mean, variance = mean_ms / MS_PER_S, max(variance_ms, 0.0) / MS_PER_S**2
        services.append(_Service(mean, factor * (variance + mean**2) - mean**2))
    return _Need(tuple(services), priced.fanout_deliveries)


def _check_paths(rates: Mapping[str, float], works: Mapping[str, WorkCounts]) -> None:
    missing = sorted(set(rates) - set(works))
    if missing:
        raise ValueError(f"rates name paths with no work: {missing}; works has {sorted(works)}")
    negative = {path: rate for path, rate in rates.items() if rate < 0}
    if negative:
        raise ValueError(f"arrival rates must be >= 0 requests/s, got {negative}")


def _job_classes(
    config: CapacityConfig,
    rates: Mapping[str, float],
    needs: Mapping[str, _Need],
    exponential: bool,
) -> dict[str, list[tuple[float, _Service]]]:
    """Per station, (jobs/s, service time) of the jobs each path sends it."""
    classes = {
        name: [(rates[path], need.services[i]) for path, need in needs.items()]
        for i, name in enumerate(REQUEST_STATIONS)
    }
    classes["fanout"] = []
    for path, need in needs.items():
        jobs = fanout_jobs(config, need.deliveries)
        if jobs:
            job_s = need.deliveries * config.fanout_delivery_ms / jobs / MS_PER_S
            job = _Service(job_s, job_s**2 if exponential else 0.0)
            classes["fanout"].append((rates[path] * jobs, job))
    return classes


def _station_queue(classes: list[tuple[float, _Service]], count: int) -> Queue:
    """The G/G/c queue seen by a station serving this mix of job classes.

    The mix's service time has the rate-weighted mean and second moment of the classes';
    its SCV, E[S²]/E[S]² − 1, is what `Queue` applies Allen–Cunneen with.
    """
    rate = sum(jobs for jobs, service in classes if service.mean > 0.0)
    if rate == 0.0:
        return Queue(0.0, 0.0, count)
    mean = sum(jobs * service.mean for jobs, service in classes) / rate
    second = sum(jobs * service.second_moment for jobs, service in classes) / rate
    return Queue(rate, mean, count, service_scv=second / mean**2 - 1.0)


def _path_latency(
    need: _Need, queues: Mapping[str, Queue], network_s: float, delay: Delay | None
) -> Percentiles:
    """Mean and percentiles of one path's latency, in ms."""
    visits = [
        (queues[name], service)
        for name, service in zip(REQUEST_STATIONS, need.services, strict=True)
        if service.mean > 0.0
    ]
    if any(queue.utilisation >= 1.0 for queue, _ in visits):
        return _SATURATED
    delay_s = _Service(0.0, 0.0) if delay is None else _delay_service(delay)
    mean = network_s + delay_s.mean
    mean += sum(queue.mean_response(service.mean) for queue, service in visits)
    exact = _exact_shape(visits[0][1]) if len(visits) == 1 and delay is None else None
    if exact is not None:
        queue, service = visits[0]
        quantiles = [
            network_s + queue.response_quantile(q, service.mean, exact) for q in _QUANTILES
        ]
    else:
        quantiles = _gamma_quantiles(visits, network_s, delay_s)
    return Percentiles(*(MS_PER_S * value for value in (mean, *quantiles)))


def _exact_shape(service: _Service) -> bool | None:
    """True for an exponential service time, False for a fixed one, None for neither."""
    if service.variance == 0.0:
        return False
    return True if math.isclose(service.variance, service.mean**2, rel_tol=1e-12) else None


def _delay_service(delay: Delay) -> _Service:
    """A path's unqueued delay in seconds: mean and variance, as a time spent nowhere."""
    return _Service(delay.mean_ms / MS_PER_S, delay.variance_ms2 / MS_PER_S**2)


def _gamma_quantiles(
    visits: list[tuple[Queue, _Service]], network_s: float, delay: _Service
) -> list[float]:
    """Quantiles of a sum of station responses and the path's delay, random part
    moment-matched to a gamma.

    Fixed service times (variance 0) shift the distribution; waits, variable service
    times and the delay (all taken as independent) make up the random part.
    """
    random_mean = delay.mean + sum(queue.mean_wait for queue, _ in visits)
    random_var = delay.variance + sum(queue.wait_variance for queue, _ in visits)
    fixed = network_s
    for _, service in visits:
        if service.variance == 0.0:
            fixed += service.mean
        else:
            random_mean += service.mean
            random_var += service.variance
    if random_var == 0.0:
        return [fixed + random_mean] * len(_QUANTILES)
    shape, scale = random_mean**2 / random_var, random_var / random_mean
    return [fixed + scale * float(gammaincinv(shape, q)) for q in _QUANTILES]


def _fanout_lag(
    config: CapacityConfig, queue: Queue, deliveries: float, exponential: bool
) -> Percentiles:
    """Lag of a post with `deliveries`, in seconds: first job's wait plus the batch's makespan."""
    jobs = fanout_jobs(config, deliveries)
    if jobs == 0:
        return Percentiles(0.0, 0.0, 0.0, 0.0)
    if queue.utilisation >= 1.0:
        return _SATURATED
    job_s = deliveries * config.fanout_delivery_ms / jobs / MS_PER_S
    workers = queue.servers
    if exponential:
        harmonic = float(digamma(min(jobs, workers) + 1) + np.euler_gamma)
        makespan = (max(jobs - workers, 0) / workers + harmonic) * job_s
    else:
        makespan = math.ceil(jobs / workers) * job_s
    waits = (queue.mean_wait, *(queue.wait_quantile(q) for q in _QUANTILES))
    return Percentiles(*(wait + makespan for wait in waits))
