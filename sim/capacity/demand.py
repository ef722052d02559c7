"""Pricing work: a call's `Work` counters become service demand on each modelled station.

One function prices work for both the discrete-event model (one call's exact counters) and
the analytic solver (a path's mean counters): the demand is linear in the counters, so the
mean demand of a path is the demand of its mean work. The stations are

- `app`: every request holds an application worker for its fixed cost, per-item handling
  and real-time pushes;
- `db`: row reads and writes;
- `cache`: timeline/presence entries read and written, and posts merged on read (pull);
- `fanout`: background workers that write fan-out-on-write deliveries in jobs of
  `fanout_batch` deliveries, after the request has returned;
- `push`: background workers that hand a request's push notifications to the push
  provider (`push_send_ms` each), after the request has returned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import NamedTuple, Protocol

import numpy as np

from scenario.capacity import CapacityConfig

REQUEST_STATIONS: tuple[str, ...] = ("app", "db", "cache")
"""Stations a request visits in the foreground, in order."""
STATIONS: tuple[str, ...] = (*REQUEST_STATIONS, "fanout")
SERVER_FIELDS: dict[str, str] = {
    "app": "app_servers",
    "db": "db_servers",
    "cache": "cache_servers",
    "fanout": "fanout_workers",
}
"""The `CapacityConfig` field holding each station's number of servers."""


class WorkCounts(Protocol):
    """The counters of `microblog.work.Work`, read-only and possibly fractional (means)."""

    @property
    def db_reads(self) -> float: ...
    @property
    def db_writes(self) -> float: ...
    @property
    def cache_reads(self) -> float: ...
    @property
    def cache_writes(self) -> float: ...
    @property
    def merged_items(self) -> float: ...
    @property
    def pushes(self) -> float: ...
    @property
    def fanout_deliveries(self) -> float: ...
    @property
    def push_sends(self) -> float: ...


@dataclass(frozen=True, slots=True)
class MeanWork:
    """A path's mean work per request (fractional counters), e.g. measured by a load test."""

    db_reads: float = 0.0
    db_writes: float = 0.0
    cache_reads: float = 0.0
    cache_writes: float = 0.0
    merged_items: float = 0.0
    pushes: float = 0.0
    fanout_deliveries: float = 0.0
    push_sends: float = 0.0


WORK_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(MeanWork))
"""The `Work` counters, in the order of a work vector (and of `request_variance`'s matrix)."""


class Demand(NamedTuple):
    """Mean service demand of one call on each request station (ms), plus its deliveries."""

    app_ms: float
    db_ms: float
    cache_ms: float
    fanout_deliveries: float

    @property
    def request_ms(self) -> tuple[float, float, float]:
        """Demand on each of `REQUEST_STATIONS`, in that order."""
        return self.app_ms, self.db_ms, self.cache_ms


def demand(config: CapacityConfig, work: WorkCounts) -> Demand:
    """Price one call's work (or a path's mean work) on each station."""
    items = work.db_reads + work.db_writes + work.cache_reads + work.cache_writes
    items += work.merged_items
    return Demand(
        app_ms=config.app_request_ms + config.app_unit_ms * items + config.push_ms * work.pushes,
        db_ms=config.db_read_ms * work.db_reads + config.db_write_ms * work.db_writes,
        cache_ms=config.cache_read_ms * work.cache_reads
        + config.cache_write_ms * work.cache_writes
        + config.merge_ms * work.merged_items,
        fanout_deliveries=work.fanout_deliveries,
    )


def request_variance(config: CapacityConfig, covariance: np.ndarray) -> tuple[float, ...]:
    """Variance (ms²) of a call's demand on each of `REQUEST_STATIONS`, for work counters
    with this covariance matrix (over a path's calls, counters in `WORK_FIELDS` order).

    Demand is affine in the counters, D = a + cᵀw, so Var[D] = cᵀΣc.
    """
    _, coefficients = request_coefficients(config)
    return tuple(float(c @ covariance @ c) for c in coefficients.T)


def request_coefficients(config: CapacityConfig) -> tuple[np.ndarray, np.ndarray]:
    """`demand` as an affine map of a work vector (`WORK_FIELDS` order) to the request
    stations' demand (ms): (a, C) with demand = a + w @ C, for pricing many calls at once.

    The coefficients are read off `demand` itself (unit work less no work), so they price
    exactly what `demand` prices.
    """
    base = np.array(demand(config, MeanWork()).request_ms)
    units = [MeanWork(**{name: 1.0}) for name in WORK_FIELDS]
    return base, np.array([demand(config, unit).request_ms for unit in units]) - base


def fixed_ms(config: CapacityConfig, path: str) -> float:
    """The unqueued part of a request's latency: network round trip and path overhead."""
    return config.network_ms + config.path_overhead_ms.get(path, 0.0)


class Delay(NamedTuple):
    """A path's unqueued random delay: a gamma of this mean (ms) and shape."""

    mean_ms: float
    shape: float

    @property
    def variance_ms2(self) -> float:
        return self.mean_ms**2 / self.shape


def unqueued_delay(config: CapacityConfig, path: str) -> Delay | None:
    """`path`'s random delay beyond its stations (`path_delay_ms`), or None without one."""
    mean = config.path_delay_ms.get(path, 0.0)
    return Delay(mean, config.path_delay_shape[path]) if mean > 0.0 else None


def service_shape(config: CapacityConfig, path: str | None) -> float | None:
    """Gamma shape of `path`'s service times, or None when `service_distribution` applies
    (fan-out jobs, `path` None, always follow it)."""
    return config.path_service_shape.get(path) if path is not None else None


def service_factor_moment(config: CapacityConfig, path: str | None) -> float:
    """E[F²] of the mean-1 factor F a service time is drawn as (demand times F): 1 + 1/k for
    a gamma of shape k, 2 for exponential, 1 for a fixed time. Var[S] = E[D²]·E[F²] − E[D]²."""
    shape = service_shape(config, path)
    if shape is not None:
        return 1.0 + 1.0 / shape
    return 2.0 if config.service_distribution == "exponential" else 1.0


def fanout_jobs(config: CapacityConfig, deliveries: float) -> int:
    """Number of fan-out jobs a post with this many deliveries is split into."""
    return math.ceil(deliveries / config.fanout_batch) if deliveries > 0 else 0


def servers(config: CapacityConfig) -> dict[str, int]:
    """Servers per station, keyed by station name."""
    return {station: getattr(config, field) for station, field in SERVER_FIELDS.items()}
