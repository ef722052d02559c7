"""The modelled platform's capacity: how many servers of each kind, and what a unit of work costs.

The simulator turns each call's `Work` (microblog.work) into service time with these
numbers: an app server handles every request, the database serves row reads and writes,
the cache tier serves timeline and presence keys and pull merges, and fan-out workers do
the deliveries of fan-out on write in the background. `fanout calibrate` fits the per-unit
costs from a load test of the reference microblog and writes a calibration file that
`calibration` includes (scenario.calibration); the defaults are order-of-magnitude
figures for a commodity deployment (indexed row read ~0.2 ms, Redis list op ~0.02-0.05 ms).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationInfo, model_validator

from scenario.calibration import CalibratedCosts, load_calibration
from scenario.fields import ASSUMED, NonNegative, Positive, spec

MS = "ms"
_REQUIRED_COSTS = {name for name, f in CalibratedCosts.model_fields.items() if f.is_required()}
"""Fields every calibration sets: a scenario holding them all is already resolved, also one
resolved before later optional fields (such as `path_delay_ms`) existed."""


class CapacityConfig(BaseModel):
    """Servers per station and service time per unit of work."""

    model_config = ConfigDict(extra="forbid")

    calibration: str | None = spec(
        None, "Calibration file written by `fanout calibrate` (relative to the scenario file): "
        "its fitted costs replace the defaults of the fields below; fields set here still win.",
    )  # fmt: skip
    app_servers: int = spec(8, "Application server workers (concurrent requests).", ge=1)
    db_servers: int = spec(4, "Database connections/cores serving queries in parallel.", ge=1)
    cache_servers: int = spec(4, "Cache shards or cores (timelines, presence).", ge=1)
    fanout_workers: int = spec(4, "Background workers delivering fan-out on write.", ge=1)
    push_workers: int = spec(
        2, "Background workers handing push notifications to the push provider.", ge=1,
        source=ASSUMED,
    )  # fmt: skip

    app_request_ms: float = spec(
        2.0,
        "Fixed app-server CPU per request: routing, auth, serialisation.",
        unit=MS,
        source=ASSUMED,
        ge=0,
    )
    app_unit_ms: float = spec(
        0.01, "App-server CPU per item read, written or merged.", unit=MS, source=ASSUMED, ge=0
    )
    push_ms: float = spec(
        0.05,
        "App-server time per real-time push to a live connection.",
        unit=MS,
        source=ASSUMED,
        ge=0,
    )
    db_read_ms: float = spec(
        0.2, "Database time per row read (an indexed point read).", unit=MS, source=ASSUMED, ge=0
    )
    db_write_ms: float = spec(
        0.5,
        "Database time per row written, including the commit share.",
        unit=MS,
        source=ASSUMED,
        ge=0,
    )
    cache_read_ms: float = spec(
        0.02, "Cache time per timeline entry or key read.", unit=MS, source=ASSUMED, ge=0
    )
    cache_write_ms: float = spec(
        0.05, "Cache time per entry written in the foreground.", unit=MS, source=ASSUMED, ge=0
    )
    merge_ms: float = spec(
        0.01, "Cache time per post merged on read by pull.", unit=MS, source=ASSUMED, ge=0
    )
    fanout_delivery_ms: float = spec(
        0.05, "Fan-out worker time per home-timeline delivery.", unit=MS, source=ASSUMED, ge=0
    )
    push_send_ms: float = spec(
        1.0, "Push worker time per notification handed to the provider (one HTTP/2 stream "
        "write to APNs or FCM).", unit=MS, source=ASSUMED, ge=0,
    )  # fmt: skip
    egress_link_gbps: float = spec(
        10.0, "Bandwidth of one egress link of the media/egress station (photo bytes to "
        "readers; bandwidth-priced, so a link serves bits, not requests).",
        unit="Gbit/s", source="assumption: a 10 GbE port", gt=0,
    )  # fmt: skip
    egress_max_utilisation: float = spec(
        0.7, "Highest share of an egress link's bandwidth the plan fills at the peak.",
        source="assumption: headroom for bursts above the hour's mean", gt=0, le=1,
    )  # fmt: skip
    live_max_utilisation: float = spec(
        0.7, "Highest busy share of a live fan-out server (real-time pushes to viewers, each "
        "`push_ms`) the plan allows at the peak.",
        source=ASSUMED, gt=0, le=1,
    )  # fmt: skip
    live_delivery_slo_ms: float = spec(
        500.0, "Time in which a live comment must reach every viewer of its room when the "
        "scenario's `slos:` set no `live.delivery.p99_ms` (the plan's largest room).",
        unit=MS, source=ASSUMED, gt=0,
    )  # fmt: skip
    thumbnail_ms: float = spec(
        16.0, "CPU time to make one upload's thumbnail (decode, shrink to "
        "`media.thumbnail_px`, encode): what the plan's thumbnail servers are sized by, one "
        "thumbnail per `photo_upload`.",
        unit=MS, source="measured: Pillow 13 thumbnailing a 2048x1536 (3 MP) JPEG to 240 px "
        "took 15.5 ms of CPU (median of 5, process time) on the 2-core development machine; "
        "a PNG of that size took 51 ms, a 1280x960 JPEG 6.5 ms (microblog.media.images)",
        ge=0,
    )  # fmt: skip
    thumbnail_max_utilisation: float = spec(
        0.7, "Highest busy share of a thumbnail server's core the plan allows at the peak.",
        source="assumption: headroom for bursts above the hour's mean", gt=0, le=1,
    )  # fmt: skip
    fanout_batch: int = spec(
        1000,
        "Deliveries per fan-out job; a big V's post is split into many jobs.",
        unit="deliveries",
        ge=1,
    )
    network_ms: float = spec(
        1.0,
        "Fixed round-trip network time added to every request, not queued.",
        unit=MS,
        source=ASSUMED,
        ge=0,
    )
    path_overhead_ms: dict[str, NonNegative] = spec(
        {}, "Fixed time added to one request path's latency on top of `network_ms`, not "
        "queued (client, HTTP and JSON handling a load test measures); fitted by "
        "`fanout calibrate`.", unit=MS,
    )  # fmt: skip
    service_distribution: Literal["exponential", "deterministic"] = spec(
        "exponential", "Spread of each service time around its mean: exponential or fixed."
    )
    path_service_shape: dict[str, Positive] = spec(
        {}, "Gamma shape k of one request path's service times at every station it visits, "
        "replacing `service_distribution` for that path: squared coefficient of variation "
        "1/k (k = 1 is exponential, larger is steadier, smaller burstier); fitted by "
        "`fanout calibrate`. Paths not listed follow `service_distribution`.",
    )  # fmt: skip

    path_delay_ms: dict[str, NonNegative] = spec(
        {}, "Mean of a random delay added to one request path's latency and not queued on any "
        "station: the part of the path's measured spread its priced work does not explain "
        "(thread and CPU contention of the measured server, client-side handling); fitted by "
        "`fanout calibrate`. Drawn per request as a gamma of shape `path_delay_shape`; it "
        "adds to latency but holds no server, so it does not grow with load.", unit=MS,
    )  # fmt: skip
    path_delay_shape: dict[str, Positive] = spec(
        {}, "Gamma shape k of one request path's `path_delay_ms` (squared coefficient of "
        "variation 1/k; k = 1 is exponential); every path with a delay needs one.",
    )  # fmt: skip

    @model_validator(mode="after")
    def _every_delay_has_a_shape(self) -> CapacityConfig:
        missing = sorted(set(self.path_delay_ms) - set(self.path_delay_shape))
        if missing:
            raise ValueError(f"path_delay_ms paths without a path_delay_shape: {missing}")
        return self

    @model_validator(mode="before")
    @classmethod
    def _include_calibration(cls, data: Any, info: ValidationInfo) -> Any:
        """Fill the fields the scenario leaves unset from the calibration file it names."""
        if not isinstance(data, dict) or data.get("calibration") is None:
            return data
        if data.keys() >= _REQUIRED_COSTS:
            return data  # already resolved (a Result's scenario): nothing left to fill
        base_dir = (info.context or {}).get("base_dir")
        path = Path(base_dir) / data["calibration"] if base_dir else Path(data["calibration"])
        costs = load_calibration(path).capacity.model_dump()
        return {**costs, **data, "calibration": str(path)}
