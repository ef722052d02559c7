"""The plan's two stations beside the request stations: media/egress and live fan-out.

- **media/egress** is priced by bandwidth, not requests: photo bytes served to readers at
  the peak (`Workload.media_per_s.served`, the probe's measured bytes scaled to N users) fill
  egress links of `egress_link_gbps`, each up to `egress_max_utilisation`; storage grows by
  the bytes stored per day (the peak hour's rate over the diurnal peak factor, times a day).
  Its CPU is thumbnailing: every `photo_upload` at the peak makes one thumbnail of
  `thumbnail_ms`, on servers (one core each) busy at most `thumbnail_max_utilisation`.
- **live fan-out** pushes every live comment, gift and viewer count to every viewer
  connected (messages x concurrent viewers): pushes per second at the peak (each `push_ms`,
  measured per live request path) need servers busy at most `live_max_utilisation`. One
  comment's pushes to one room run one after another (the room's lock), so the largest room
  served within the live-delivery SLO has SLO / `push_ms` viewers.

Limitation: rates scale linearly with users, so a room's viewers per comment stay the
probe's; a big V's room grows with its followers, which the per-room bound covers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from outcomes.slo import Slo
from scenario.capacity import CapacityConfig
from sim.arrivals import SECONDS_PER_DAY
from sim.capacity.workload import Workload

GIB = 2**30
LIVE_PREFIX = "live_"
"""Request paths of live broadcast (outcomes.paths), whose pushes the live station serves."""
LIVE_DELIVERY = "live.delivery.p99_ms"
UPLOAD_PATH = "photo_upload"
"""The request path that makes one thumbnail per call (microblog.services.albums.upload)."""


@dataclass(frozen=True)
class MediaPlan:
    storage_gib_per_day: float
    egress_gbit_s: float
    egress_links: int
    egress_utilisation: float
    thumbnails_per_s: float
    thumbnail_cores: float
    """Cores busy thumbnailing at the peak (before headroom)."""
    thumbnail_servers: int
    thumbnail_utilisation: float


@dataclass(frozen=True)
class LivePlan:
    pushes_per_s: float
    servers: int
    utilisation: float
    delivery_slo_ms: float
    largest_room: int
    """Most viewers one room may have with a comment reaching all within the SLO."""


def media_plan(config: CapacityConfig, workload: Workload, peak_factor: float) -> MediaPlan:
    media = workload.media_per_s
    per_day = media.stored / peak_factor * SECONDS_PER_DAY
    egress_gbit_s = media.served * 8 / 1e9
    usable = config.egress_link_gbps * config.egress_max_utilisation
    links = math.ceil(egress_gbit_s / usable)
    utilisation = egress_gbit_s / (links * config.egress_link_gbps) if links else 0.0
    thumbnails = workload.rates.get(UPLOAD_PATH, 0.0)
    cores = thumbnails * config.thumbnail_ms / 1000.0
    thumbnail_servers, busy = sized(cores, config.thumbnail_max_utilisation)
    return MediaPlan(
        per_day / GIB, egress_gbit_s, links, utilisation, thumbnails, cores, thumbnail_servers, busy
    )


def live_plan(config: CapacityConfig, workload: Workload, slos: list[Slo]) -> LivePlan:
    pushes = sum(
        rate * workload.works[path].pushes
        for path, rate in workload.rates.items()
        if path.startswith(LIVE_PREFIX)
    )
    servers, utilisation = sized(pushes * config.push_ms / 1000.0, config.live_max_utilisation)
    slo_ms = next(
        (slo.threshold for slo in slos if slo.metric == LIVE_DELIVERY),
        config.live_delivery_slo_ms,
    )
    largest = math.floor(slo_ms / config.push_ms) if config.push_ms > 0 else 0
    return LivePlan(pushes, servers, utilisation, slo_ms, largest)


def sized(busy: float, max_utilisation: float) -> tuple[int, float]:
    """Servers for `busy` cores of work with none above `max_utilisation`, and their busy
    share: at least one server when there is any work, none without."""
    if busy <= 0:
        return 0, 0.0
    servers = max(1, math.ceil(busy / max_utilisation))
    return servers, busy / servers
