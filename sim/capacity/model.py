"""The platform's capacity as a queueing network: `Work` in, latency and fan-out lag out.

Usage (simulated time is in seconds; latencies come out in milliseconds)::

    model = CapacityModel(env, scenario.capacity, rng)
    model.submit("timeline_read", work)  # open loop: appends to column buffers, returns
    ...
    model.latency_ms("timeline_read")   # np.ndarray, one sample per completed request
    model.fanout_lags_s()               # np.ndarray, one sample per fanned-out post
    model.lags_s("fanservice")          # the same of another lag family's requests
    model.utilisation()                 # {"app": 0.41, "db": ..., "cache": ..., "fanout": ...}
    model.snapshot()                    # stats of the interval since the previous snapshot

A request visits `app`, then `db`, then `cache` (each a `Station`), skipping a station it
puts no demand on; its latency is `network_ms` (a fixed round trip, not queued) and its
path's `path_overhead_ms` and `path_delay_ms` (a random delay, not queued: it holds no
server) plus its waits and services. A post's fan-out deliveries are background work:
once the request completes, they are split into jobs of `fanout_batch` deliveries queued
on the `fanout` station, and the post's fan-out lag runs from that moment until its last
job finishes. Posts' lags are the `fanout` family; a path named in `lag_families` (a fan
service's broadcast) shares the station but keeps its lags apart, under its family's name.

The model is open loop (what people do never depends on how fast the platform answers),
so nothing here runs on the event loop: `submit` only buffers the call
(`sim.capacity.requests`), and the network is solved whenever it is read (a snapshot, the
metrics) or `SOLVE_EVERY` calls have piled up. Solving up to `now` prices the batch in one
matrix product, draws its service times, then takes the stations in order: each admits,
in time order, the requests due there by `now` (new ones and those carried from the
batch before), in one call of the compiled FCFS kernel. A request due at a station after
`now` waits in `Jobs` for the next solve, when every arrival before it will be known, so
each station still serves strictly in arrival order (requests arriving at one instant in
submission order): the latencies are those of the event-driven network on the same
service times, whatever the batch size.

Service times are the priced demand (`demand.request_coefficients`) times a mean-1 factor
(`sim.capacity.draws`): exponential, or exactly the mean, per `service_distribution`, or
gamma with the path's shape for a path in `path_service_shape`; a path's delay is a gamma
of `path_delay_shape`, drawn when the request completes.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

import numpy as np

from scenario.capacity import CapacityConfig
from sim.capacity.analytic import PERCENTILES, Percentiles
from sim.capacity.demand import (
    REQUEST_STATIONS,
    WORK_FIELDS,
    Delay,
    WorkCounts,
    fixed_ms,
    request_coefficients,
    servers,
    service_shape,
    unqueued_delay,
)
from sim.capacity.draws import CapacityDraws
from sim.capacity.jobs import DONE, Jobs, next_stage
from sim.capacity.requests import RequestLog, Submitted
from sim.capacity.station import Station, StationMark, StationStats

MS_PER_S = 1000.0
SOLVE_EVERY = 16_384
"""Buffered calls that trigger a solve: bounds the buffers' memory. Not a model parameter:
the latencies are the same for any value (tests/sim/capacity/test_model.py)."""
_DELIVERIES = WORK_FIELDS.index("fanout_deliveries")
POSTS = "fanout"
"""The lag family of every path not named in `lag_families`: posts' fan-out on write."""
_PUSHES = WORK_FIELDS.index("push_sends")


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


class _Fanouts(NamedTuple):
    """Posts whose fan-out jobs are queued: when each was posted and its last job ends."""

    seq: np.ndarray
    path: np.ndarray
    posted: np.ndarray
    landed: np.ndarray


class Clock(Protocol):
    """What the model reads of time: a SimPy environment's `now`, or the merge's own clock
    (`sim.shards.merge`), which has no events to run."""

    @property
    def now(self) -> float: ...


class CapacityModel:
    """Stations `app`, `db`, `cache`, `fanout` and `push` sized and priced by a
    `CapacityConfig`."""

    def __init__(
        self,
        env: Clock,
        config: CapacityConfig,
        rng: np.random.Generator,
        lag_families: Mapping[str, str] | None = None,
    ) -> None:
        """`lag_families` maps a path to the family its fan-out lags are kept under
        (`lags_s`); every other path's are posts' (`POSTS`)."""
        self.env = env
        self.config = config
        self.stations = {name: Station(count, env.now) for name, count in servers(config).items()}
        self.stations["push"] = Station(config.push_workers, env.now)
        self._draws = CapacityDraws(rng, config)
        self._base_ms, self._per_unit_ms = request_coefficients(config)
        self._log = RequestLog()
        self._submitted = 0
        self._jobs = Jobs.empty()
        self._fanouts = _Fanouts(
            np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0), np.empty(0)
        )
        self._latencies: defaultdict[str, array[float]] = defaultdict(lambda: array("d"))
        self._lag_family = dict(lag_families or {})
        self._lags: defaultdict[str, array[float]] = defaultdict(lambda: array("d"))
        self._interval = self._mark()

    def submit(self, path: str, work: WorkCounts, external_s: float = 0.0) -> None:
        """Serve a request of kind `path` doing `work` (a `microblog.work.Work`), arriving
        now; nobody waits for it. `external_s` is time it waited on a service outside the
        platform (the payment gateway): it adds to the latency but holds no modelled server.
        """
        self._log.append(self.env.now, path, work, external_s)
        if len(self._log) >= SOLVE_EVERY:
            self._solve()

    @property
    def room(self) -> int:
        """Requests `submit_many` may take at once: those before the buffered ones are solved."""
        return SOLVE_EVERY - len(self._log)

    def submit_many(
        self, time: np.ndarray, paths: Sequence[str], work: np.ndarray, external_s: np.ndarray
    ) -> None:
        """`submit` for requests other processes made and sent as columns
        (`sim.capacity.requests.Calls`): in time order, the last of them now, at most
        `room` of them, so the buffered requests are solved when and as `submit` one by one
        would have solved them. `work` has a row per request, columns in `WORK_FIELDS`."""
        self._log.extend(time, paths, work, external_s)
        if len(self._log) >= SOLVE_EVERY:
            self._solve()

    def _solve(self) -> None:
        """Everything due by now: the buffered calls and those carried over, through the
        request stations, then the completed ones' latencies and fan-out."""
        now = self.env.now
        jobs = self._jobs.plus(self._priced(self._log.take()))
        for stage, name in enumerate(REQUEST_STATIONS):
            due = jobs.in_time_order((jobs.stage == stage) & (jobs.time <= now))
            jobs.time[due] = self.stations[name].admit(jobs.time[due], jobs.services[due, stage])
            jobs.stage[due] = next_stage(jobs.visits[due], stage)
        finished = (jobs.stage == DONE) & (jobs.time <= now)
        done = jobs.rows(jobs.in_time_order(finished))
        self._jobs = jobs.rows(~finished)
        self._record_latencies(done)
        self._fan_out(done.rows(done.deliveries > 0))
        self._push(done.rows(done.pushes > 0))
        self._record_lags(now)

    def _priced(self, batch: Submitted) -> Jobs:
        """New requests priced, with their service times drawn, due at their first station."""
        size = batch.time.size
        demand_ms = self._base_ms + batch.work @ self._per_unit_ms
        visits = demand_ms > 0.0
        shapes = self._path_values(lambda path: service_shape(self.config, path) or np.nan)
        factors = self._draws.service_factors(visits, shapes[batch.path])
        seq = np.arange(self._submitted, self._submitted + size)
        self._submitted += size
        return Jobs(
            seq, batch.path, batch.time - batch.external_s, batch.time.copy(),
            next_stage(visits, -1), visits, np.where(visits, demand_ms * factors, 0.0) / MS_PER_S,
            batch.work[:, _DELIVERIES], batch.work[:, _PUSHES],
        )  # fmt: skip

    def _path_values(self, value: Callable[[str], float]) -> np.ndarray:
        """`value` of each path submitted so far, indexable by a request's path index."""
        return np.array([value(path) for path in self._log.paths], dtype=float)

    def _record_latencies(self, done: Jobs) -> None:
        """Latencies of completed requests, in completion order."""
        config = self.config
        latency_ms = self._path_values(lambda path: fixed_ms(config, path))[done.path]
        latency_ms += (done.time - done.origin) * MS_PER_S
        delays = [unqueued_delay(config, path) or Delay(0.0, 1.0) for path in self._log.paths]
        means, shapes = np.array(delays, dtype=float).reshape(-1, 2).T
        latency_ms += self._draws.delays_ms(means[done.path], shapes[done.path])
        for index in np.unique(done.path).tolist():
            samples = latency_ms[done.path == index]
            self._latencies[self._log.paths[index]].frombytes(samples.tobytes())

    def _fan_out(self, posts: Jobs) -> None:
        """Completed posts' deliveries as jobs of `fanout_batch` on the fan-out workers."""
        if posts.seq.size == 0:
            return
        batch = self.config.fanout_batch
        jobs = np.ceil(posts.deliveries / batch).astype(np.int64)
        sizes = np.full(int(jobs.sum()), float(batch))
        firsts = np.cumsum(jobs) - jobs
        sizes[firsts + jobs - 1] = posts.deliveries - batch * (jobs - 1)
        services = sizes * self.config.fanout_delivery_ms / MS_PER_S
        services *= self._draws.fanout_factors(sizes.size)
        ends = self.stations["fanout"].admit(np.repeat(posts.time, jobs), services)
        landed = np.maximum.reduceat(ends, firsts)
        queued = _Fanouts(posts.seq, posts.path, posts.time, landed)
        self._fanouts = _Fanouts(
            *(np.concatenate([a, b]) for a, b in zip(self._fanouts, queued, strict=True))
        )

    def _push(self, requests: Jobs) -> None:
        """Completed requests' push notifications, one job per request on the push workers
        (`push_send_ms` each notification); the provider's own latency is outside."""
        if requests.seq.size:
            services = requests.pushes * self.config.push_send_ms / MS_PER_S
            self.stations["push"].admit(requests.time, services)

    def _record_lags(self, now: float) -> None:
        """Lags of posts whose last fan-out job has ended by now, in that order, each kept
        under its path's family."""
        fanouts = self._fanouts
        landed = np.flatnonzero(fanouts.landed <= now)
        landed = landed[np.lexsort((fanouts.seq[landed], fanouts.landed[landed]))]
        lags, paths = fanouts.landed[landed] - fanouts.posted[landed], fanouts.path[landed]
        for index in np.unique(paths).tolist():
            family = self._lag_family.get(self._log.paths[index], POSTS)
            self._lags[family].frombytes(lags[paths == index].tobytes())
        still = fanouts.landed > now
        self._fanouts = _Fanouts(*(column[still] for column in fanouts))

    def latency_ms(self, path: str) -> np.ndarray:
        """Latency of every completed request of `path`, in completion order (a copy)."""
        self._solve()
        return np.array(self._latencies.get(path, ()), dtype=float)

    def paths(self) -> list[str]:
        """Request kinds served so far."""
        self._solve()
        return sorted(self._latencies)

    def fanout_lags_s(self) -> np.ndarray:
        """Fan-out lag of every post whose deliveries have all landed (a copy)."""
        return self.lags_s(POSTS)

    def lags_s(self, family: str) -> np.ndarray:
        """Fan-out lag of every request of a lag family whose deliveries have all landed."""
        self._solve()
        return np.array(self._lags.get(family, ()), dtype=float)

    def lag_families(self) -> list[str]:
        """Lag families with a request fanned out so far."""
        self._solve()
        return sorted(self._lags)

    def station_marks(self) -> dict[str, StationMark]:
        """Every station's cumulative counters now, to pass to `station_stats` later."""
        self._solve()
        return {name: station.mark(self.env.now) for name, station in self.stations.items()}

    def station_stats(self, since: dict[str, StationMark] | None = None) -> dict[str, StationStats]:
        """Statistics per station (utilisation, mean queue length, throughput...) from
        `since` (marks from `station_marks`; default: the whole run) until now."""
        self._solve()
        now = self.env.now
        return {
            name: station.stats(now, None if since is None else since[name])
            for name, station in self.stations.items()
        }

    def utilisation(self) -> dict[str, float]:
        return {name: stats.utilisation for name, stats in self.station_stats().items()}

    def snapshot(self) -> Snapshot:
        """Statistics since the previous snapshot (or the start); begins the next interval."""
        previous, self._interval = self._interval, self._mark()
        stations = self.station_stats(previous.stations)
        latency = {
            path: np.array(samples[previous.requests.get(path, 0) :], dtype=float)
            for path, samples in self._latencies.items()
        }
        lags = np.array(self._lags[POSTS][previous.lags :], dtype=float)
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
        return _Mark(
            self.env.now,
            self.station_marks(),
            {path: len(samples) for path, samples in self._latencies.items()},
            len(self._lags[POSTS]),
        )
