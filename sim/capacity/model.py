"""The platform's capacity as a SimPy queueing network: `Work` in, latency and fan-out lag out.

Usage (simulated time is in seconds; latencies come out in milliseconds)::

    model = CapacityModel(env, scenario.capacity, rng)
    env.process(model.serve("timeline_read", work))   # a process that waits for the reply
    model.submit("timeline_read", work)               # or: fire and forget (open loop)
    ...
    model.latency_ms("timeline_read")   # np.ndarray, one sample per completed request
    model.fanout_lags_s()               # np.ndarray, one sample per fanned-out post
    model.utilisation()                 # {"app": 0.41, "db": ..., "cache": ..., "fanout": ...}
    model.snapshot()                    # stats of the interval since the previous snapshot

A request visits `app`, then `db`, then `cache` (each a `Station`), skipping a station it
puts no demand on; its latency is `network_ms` (a fixed round trip, not queued) and its
path's `path_overhead_ms` and `path_delay_ms` (a random delay, not queued: it holds no
server) plus its waits and services. A post's fan-out deliveries are background work:
once the request completes, they are split into jobs of `fanout_batch` deliveries queued
on the `fanout` station, and the post's fan-out lag runs from that moment until its last
job finishes.

Service times are sampled around the priced demand (`demand.demand`): exponential with
that mean, or exactly the mean, per `service_distribution`, or gamma with that mean and the
path's shape for a path in `path_service_shape` (each station's time drawn independently);
a path's delay is a gamma of `path_delay_shape`, drawn when the request completes.
Random draws come from the run's generator in blocks, and samples are kept in typed
arrays, so a million requests cost SimPy's events and little else.
"""

from __future__ import annotations

import heapq
import itertools
from array import array
from collections import defaultdict
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

import numpy as np
import simpy

from scenario.capacity import CapacityConfig
from sim.capacity.analytic import PERCENTILES, Percentiles
from sim.capacity.demand import (
    REQUEST_STATIONS,
    WorkCounts,
    demand,
    fanout_jobs,
    fixed_ms,
    servers,
    service_shape,
    unqueued_delay,
)
from sim.capacity.station import Station, StationMark, StationStats

MS_PER_S = 1000.0
_DRAW_BLOCK = 4096


class ServiceSampler:
    """Service time around a mean: exponential, gamma of a given shape, or fixed.

    Exponential and gamma factors (mean 1) are drawn from the run's rng in blocks, one
    stream per shape; without gamma paths the draws are exactly those of plain exponential
    service, so a configuration without `path_service_shape` runs as it always did.
    """

    def __init__(self, rng: np.random.Generator, distribution: str) -> None:
        self._rng = rng
        self._exponential = distribution == "exponential"
        self._draws: Iterator[float] = iter(())
        self._gamma_draws: dict[float, Iterator[float]] = {}

    def __call__(self, mean: float, shape: float | None = None) -> float:
        if shape is not None:
            return mean * self._gamma(shape)
        if not self._exponential:
            return mean
        try:
            return mean * next(self._draws)
        except StopIteration:
            self._draws = iter(self._rng.standard_exponential(_DRAW_BLOCK).tolist())
            return mean * next(self._draws)

    def _gamma(self, shape: float) -> float:
        """A gamma factor of mean 1 and squared coefficient of variation 1/shape."""
        try:
            return next(self._gamma_draws[shape])
        except (KeyError, StopIteration):
            block = self._rng.standard_gamma(shape, _DRAW_BLOCK) / shape
            self._gamma_draws[shape] = iter(block.tolist())
            return next(self._gamma_draws[shape])


def summarise(samples: np.ndarray) -> Percentiles:
    """Mean and percentiles of a sample (NaN when it is empty)."""
    if samples.size == 0:
        return Percentiles(*([float("nan")] * (1 + len(PERCENTILES))))
    return Percentiles(float(samples.mean()), *np.percentile(samples, PERCENTILES).tolist())


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One interval of a run: station statistics and latency/lag summaries."""

    start_s: float
    end_s: float
    stations: dict[str, StationStats]
    requests: dict[str, int]
    """Requests completed per path in the interval."""
    latency_ms: dict[str, Percentiles]
    posts_fanned_out: int
    fanout_lag_s: Percentiles


class _Mark(NamedTuple):
    """Where an interval starts: station counters and how many samples were already kept."""

    time: float
    stations: dict[str, StationMark]
    requests: dict[str, int]
    lags: int


class CapacityModel:
    """Stations `app`, `db`, `cache` and `fanout` sized and priced by a `CapacityConfig`."""

    def __init__(
        self, env: simpy.Environment, config: CapacityConfig, rng: np.random.Generator
    ) -> None:
        self.env = env
        self.config = config
        self.stations = {name: Station(env, count) for name, count in servers(config).items()}
        self._request_stations = [self.stations[name] for name in REQUEST_STATIONS]
        self._fanout = self.stations["fanout"]
        self._sample = ServiceSampler(rng, config.service_distribution)
        self._latencies: defaultdict[str, array[float]] = defaultdict(lambda: array("d"))
        self._lags = array("d")
        self._departures: list[tuple[float, int, _Departing]] = []
        self._order = itertools.count()
        self._interval = self._mark()

    def serve(self, path: str, work: WorkCounts) -> Generator[simpy.Event, Any, None]:
        """One request of kind `path` doing `work` (a `microblog.work.Work`); a SimPy process."""
        arrived = self.env.now
        need = demand(self.config, work)
        shape = service_shape(self.config, path)
        for station, demand_ms in zip(self._request_stations, need.request_ms, strict=True):
            if demand_ms > 0.0:
                self._catch_up()
                yield from station.serve(self._sample(demand_ms, shape) / MS_PER_S)
        self._record_latency(path, arrived, self.env.now)
        if need.fanout_deliveries > 0:
            self.env.process(self._fan_out(int(need.fanout_deliveries)))

    def submit(self, path: str, work: WorkCounts, external_s: float = 0.0) -> None:
        """Serve a request that nobody waits for (open loop), at no SimPy event's cost.

        The simulator's agents submit: their next action never depends on this one's
        latency, so the request's path through the stations can be computed lazily, in
        time order, whenever the model is next touched (see `_catch_up`). `external_s` is
        time the request waited on a service outside the platform (the payment gateway):
        it adds to the latency but holds no modelled server.
        """
        self._catch_up()
        need = demand(self.config, work)
        shape = service_shape(self.config, path)
        visits = [
            (station, self._sample(demand_ms, shape) / MS_PER_S)
            for station, demand_ms in zip(self._request_stations, need.request_ms, strict=True)
            if demand_ms > 0.0
        ]
        now = self.env.now
        _Request(path, now - external_s, need.fanout_deliveries, visits).arrive(self, now)

    def _schedule(self, end: float, job: _Departing) -> None:
        heapq.heappush(self._departures, (end, next(self._order), job))

    def _catch_up(self) -> None:
        """Process every lazy departure due by now, in time order.

        Submitted requests and their fan-out do not wait on SimPy events: each holds a
        place in this heap at the end of its current station visit. Arrivals at a station
        happen only at `submit` (now) or at a departure from the station before, so taking
        the due departures in time order before any station is touched admits every job
        in arrival order, which is all FIFO needs.
        """
        departures, now = self._departures, self.env.now
        while departures and departures[0][0] <= now:
            end, _, job = heapq.heappop(departures)
            job.depart(self, end)

    def _record_latency(self, path: str, arrived: float, now: float) -> None:
        """A request arrived at `arrived` left its last station at `now`.

        The path's unqueued delay is drawn here, only for a path that has one, so a
        configuration without `path_delay_ms` draws exactly what it always did.
        """
        latency_ms = fixed_ms(self.config, path) + (now - arrived) * MS_PER_S
        delay = unqueued_delay(self.config, path)
        if delay is not None:
            latency_ms += self._sample(delay.mean_ms, delay.shape)
        self._latencies[path].append(latency_ms)

    def _fan_out(self, deliveries: int) -> Generator[simpy.Event, Any, None]:
        """A served post's deliveries as batch jobs; record when the last one lands."""
        posted = self.env.now
        self._catch_up()
        jobs = [self.env.process(self._fanout.serve(t)) for t in self._batches(deliveries)]
        yield self.env.all_of(jobs)
        self._lags.append(self.env.now - posted)

    def _batches(self, deliveries: int) -> list[float]:
        """Service times of the fan-out jobs a post's deliveries are split into."""
        jobs = fanout_jobs(self.config, deliveries)
        last_batch = deliveries - self.config.fanout_batch * (jobs - 1)
        sizes = [self.config.fanout_batch] * (jobs - 1) + [last_batch]
        return [self._sample(n * self.config.fanout_delivery_ms) / MS_PER_S for n in sizes]

    def latency_ms(self, path: str) -> np.ndarray:
        """Latency of every completed request of `path`, in completion order (a copy)."""
        self._catch_up()
        return np.array(self._latencies.get(path, ()), dtype=float)

    def paths(self) -> list[str]:
        """Request kinds served so far."""
        self._catch_up()
        return sorted(self._latencies)

    def fanout_lags_s(self) -> np.ndarray:
        """Fan-out lag of every post whose deliveries have all landed (a copy)."""
        self._catch_up()
        return np.array(self._lags, dtype=float)

    def station_stats(self) -> dict[str, StationStats]:
        """Whole-run statistics per station (utilisation, mean queue length, throughput...)."""
        self._catch_up()
        return {name: station.stats() for name, station in self.stations.items()}

    def utilisation(self) -> dict[str, float]:
        return {name: stats.utilisation for name, stats in self.station_stats().items()}

    def snapshot(self) -> Snapshot:
        """Statistics since the previous snapshot (or the start); begins the next interval."""
        previous, self._interval = self._interval, self._mark()
        stations = {name: st.stats(previous.stations[name]) for name, st in self.stations.items()}
        latency = {
            path: np.array(samples[previous.requests.get(path, 0) :], dtype=float)
            for path, samples in self._latencies.items()
        }
        lags = np.array(self._lags[previous.lags :], dtype=float)
        return Snapshot(
            start_s=previous.time,
            end_s=self.env.now,
            stations=stations,
            requests={path: samples.size for path, samples in latency.items()},
            latency_ms={path: summarise(samples) for path, samples in latency.items()},
            posts_fanned_out=lags.size,
            fanout_lag_s=summarise(lags),
        )

    def _mark(self) -> _Mark:
        self._catch_up()
        return _Mark(
            self.env.now,
            {name: station.mark() for name, station in self.stations.items()},
            {path: len(samples) for path, samples in self._latencies.items()},
            len(self._lags),
        )


class _Departing(Protocol):
    def depart(self, model: CapacityModel, now: float) -> None: ...


class _Request:
    """A submitted request walking its stations lazily (see `CapacityModel._catch_up`)."""

    __slots__ = ("path", "arrived", "deliveries", "visits", "_at", "_job")

    def __init__(
        self, path: str, arrived: float, deliveries: float, visits: list[tuple[Station, float]]
    ) -> None:
        self.path = path
        self.arrived = arrived
        self.deliveries = deliveries
        self.visits = visits
        self._at = 0
        self._job = (0.0, 0.0, 0.0)

    def arrive(self, model: CapacityModel, now: float) -> None:
        """Queue at the next station at `now`, or complete when there is none left."""
        if self._at == len(self.visits):
            model._record_latency(self.path, self.arrived, now)
            if self.deliveries > 0:
                _Fanout(now).start(model, now, model._batches(int(self.deliveries)))
            return
        station, service_time = self.visits[self._at]
        start, end = station.admit(service_time, now)
        self._job = (now, start, end)
        model._schedule(end, self)

    def depart(self, model: CapacityModel, now: float) -> None:
        self.visits[self._at][0].release(*self._job)
        self._at += 1
        self.arrive(model, now)


class _Fanout:
    """A post's fan-out jobs on the workers; its lag ends when the last one departs."""

    __slots__ = ("posted", "remaining")

    def __init__(self, posted: float) -> None:
        self.posted = posted
        self.remaining = 0

    def start(self, model: CapacityModel, now: float, batches: list[float]) -> None:
        self.remaining = len(batches)
        for service_time in batches:
            start, end = model._fanout.admit(service_time, now)
            model._schedule(end, _FanoutJob(self, (now, start, end)))

    def job_done(self, model: CapacityModel, now: float) -> None:
        self.remaining -= 1
        if self.remaining == 0:
            model._lags.append(now - self.posted)


class _FanoutJob:
    __slots__ = ("fanout", "job")

    def __init__(self, fanout: _Fanout, job: tuple[float, float, float]) -> None:
        self.fanout = fanout
        self.job = job

    def depart(self, model: CapacityModel, now: float) -> None:
        model._fanout.release(*self.job)
        self.fanout.job_done(model, now)
