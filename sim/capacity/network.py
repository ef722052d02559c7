"""Closed-form solution of the whole platform as an open network of multi-server stations.

Input: arrival rates per path (requests/s) and the mean `Work` of a request of each path.
Each station is solved on its own as an M/G/c queue with Poisson arrivals (`analytic.Queue`,
a decomposition in the spirit of Jackson networks):

- a station's arrival rate is the total rate of the paths that put demand on it, its mean
  service the rate-weighted mean demand, and its service SCV that of the mixture of the
  paths' demands (exponential or fixed around each mean, per `service_distribution`);
- a path's mean latency is `network_ms` and its `path_overhead_ms` plus, per station it
  visits, the mean wait plus its own mean service;
- percentiles: when a path visits a single station they are exact for that
  queue (`Queue.response_quantile`); otherwise the random part (waits plus exponential
  services) is approximated by a gamma distribution with the same mean and variance (the
  stations taken as independent), shifted by the fixed part (network and fixed services);
- fan-out: every post is split into ceil(deliveries/`fanout_batch`) jobs (of the mean
  deliveries), each a job on the `fanout` station. The lag reported is that of the
  *largest* account: its jobs arrive together, the first waits like any job (wait quantile
  of the station), then the batch drains over the workers — ceil(n/c) job times for fixed
  service, (n − c)/c + H_c job times for exponential (the expected makespan when all c
  workers start together). It bounds every other post's lag, so an SLO on
  `fanout.lag.p99_s` checked against it is conservative.

The approximations (Poisson arrivals at every station, independence between stations,
Allen–Cunneen for mixed service, fan-out bursts treated as Poisson jobs) are exact for a
path that visits one station serving a single kind of exponential job (M/M/c). Against
the discrete-event `CapacityModel` on a four-path workload at ρ up to 0.7
(`tests/sim/capacity/test_network.py`) utilisations agree within ~2 %, mean latencies
within ~4 % (exponential service) and ~6 % (fixed service), p99 within ~16 % (the gamma
overestimates for fixed service, whose smoothed departures the decomposition ignores).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy.special import digamma, gammaincinv

from outcomes.scenario.capacity import CapacityConfig
from sim.capacity.analytic import PERCENTILES, Percentiles, Queue
from sim.capacity.demand import (
    REQUEST_STATIONS,
    Demand,
    WorkCounts,
    demand,
    fanout_jobs,
    fixed_ms,
    servers,
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
) -> PlatformSolution:
    """Solve the platform for `rates` (requests/s per path) of `works` (mean work per path).

    `largest_fanout` is the follower count of the largest account whose posts fan out on
    write; the largest mean deliveries of any path is used when it is smaller.
    """
    _check_paths(rates, works)
    needs = {path: demand(config, works[path]) for path in rates}
    exponential = config.service_distribution == "exponential"
    counts = servers(config)
    queues = {
        name: _station_queue(classes, counts[name], exponential)
        for name, classes in _job_classes(config, rates, needs).items()
    }
    latency = {
        path: _path_latency(need, queues, fixed_ms(config, path) / MS_PER_S, exponential)
        for path, need in needs.items()
    }
    biggest = max([largest_fanout, *(need.fanout_deliveries for need in needs.values())])
    lag = _fanout_lag(config, queues["fanout"], biggest, exponential)
    return PlatformSolution(config, sum(rates.values()), queues, latency, biggest, lag)


def _check_paths(rates: Mapping[str, float], works: Mapping[str, WorkCounts]) -> None:
    missing = sorted(set(rates) - set(works))
    if missing:
        raise ValueError(f"rates name paths with no work: {missing}; works has {sorted(works)}")
    negative = {path: rate for path, rate in rates.items() if rate < 0}
    if negative:
        raise ValueError(f"arrival rates must be >= 0 requests/s, got {negative}")


def _job_classes(
    config: CapacityConfig, rates: Mapping[str, float], needs: Mapping[str, Demand]
) -> dict[str, list[tuple[float, float]]]:
    """Per station, (jobs/s, mean service s) of the jobs each path sends it."""
    classes = {
        name: [(rates[path], need.request_ms[i] / MS_PER_S) for path, need in needs.items()]
        for i, name in enumerate(REQUEST_STATIONS)
    }
    classes["fanout"] = []
    for path, need in needs.items():
        jobs = fanout_jobs(config, need.fanout_deliveries)
        if jobs:
            job_ms = need.fanout_deliveries * config.fanout_delivery_ms / jobs
            classes["fanout"].append((rates[path] * jobs, job_ms / MS_PER_S))
    return classes


def _station_queue(classes: list[tuple[float, float]], count: int, exponential: bool) -> Queue:
    """The M/G/c queue seen by a station serving this mix of job classes."""
    rate = sum(jobs for jobs, service in classes if service > 0.0)
    if rate == 0.0:
        return Queue(0.0, 0.0, count)
    mean = sum(jobs * service for jobs, service in classes) / rate
    second = sum(jobs * service**2 for jobs, service in classes) / rate
    second *= 2.0 if exponential else 1.0
    return Queue(rate, mean, count, service_scv=second / mean**2 - 1.0)


def _path_latency(
    need: Demand, queues: Mapping[str, Queue], network_s: float, exponential: bool
) -> Percentiles:
    """Mean and percentiles of one path's latency, in ms."""
    visits = [
        (queues[name], demand_ms / MS_PER_S)
        for name, demand_ms in zip(REQUEST_STATIONS, need.request_ms, strict=True)
        if demand_ms > 0.0
    ]
    if any(queue.utilisation >= 1.0 for queue, _ in visits):
        return _SATURATED
    mean = network_s + sum(queue.mean_response(service) for queue, service in visits)
    if len(visits) == 1:
        queue, service = visits[0]
        quantiles = [
            network_s + queue.response_quantile(q, service, exponential) for q in _QUANTILES
        ]
    else:
        quantiles = _gamma_quantiles(visits, network_s, exponential)
    return Percentiles(*(MS_PER_S * value for value in (mean, *quantiles)))


def _gamma_quantiles(
    visits: list[tuple[Queue, float]], network_s: float, exponential: bool
) -> list[float]:
    """Quantiles of a sum of station responses, random part moment-matched to a gamma."""
    services = [service for _, service in visits]
    random_mean = sum(queue.mean_wait for queue, _ in visits)
    random_var = sum(queue.wait_variance for queue, _ in visits)
    fixed = network_s
    if exponential:
        random_mean += sum(services)
        random_var += sum(s**2 for s in services)
    else:
        fixed += sum(services)
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
