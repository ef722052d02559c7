"""The calibration file `fanout calibrate` writes and a scenario includes.

A scenario takes the fitted costs with `platform.capacity.calibration: calibration.yaml`
(a relative path is read from the scenario file's directory). The file's `capacity`
values replace the defaults of the same `platform.capacity` fields; a field the scenario
sets itself still wins, so a calibrated scenario can, say, add servers. Beside the costs
the file records where they came from and how well they fit: the deployment that was
measured (`deployment`, the servers `fanout check-model` models it with), and the
per-path fit with its residuals.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

MS = "ms"


class CalibrationError(ValueError):
    """A calibration file is missing or invalid; the message names the file and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CalibratedCosts(_Strict):
    """The `platform.capacity` fields a calibration sets (see scenario.capacity)."""

    app_request_ms: float = Field(ge=0)
    app_unit_ms: float = Field(ge=0)
    push_ms: float = Field(ge=0)
    db_read_ms: float = Field(ge=0)
    db_write_ms: float = Field(ge=0)
    cache_read_ms: float = Field(ge=0)
    cache_write_ms: float = Field(ge=0)
    merge_ms: float = Field(ge=0)
    network_ms: float = Field(ge=0)
    path_overhead_ms: dict[str, Annotated[float, Field(ge=0)]] = {}
    service_distribution: Literal["exponential", "deterministic"] = "exponential"
    path_service_shape: dict[str, Annotated[float, Field(gt=0)]] = {}
    path_delay_ms: dict[str, Annotated[float, Field(ge=0)]] = {}
    """Mean (ms) of each path's unqueued random delay: its measured random mean beyond
    what the priced work explains (absent: none, a file written before delays existed)."""
    path_delay_shape: dict[str, Annotated[float, Field(gt=0)]] = {}
    """Gamma shape of each path's delay (see sim.capacity.fit for how it is chosen)."""


class Deployment(_Strict):
    """Servers of the deployment the load test measured (one server process: one each)."""

    app_servers: int = Field(ge=1)
    db_servers: int = Field(ge=1)
    cache_servers: int = Field(ge=1)
    fanout_workers: int = Field(ge=1)


class PathFit(_Strict):
    """How one path's measured latency was explained (ms; rate in requests/s)."""

    requests_per_s: float
    work_requests: int
    measured_mean_ms: float
    measured_random_ms: float
    """Mean of the random (queued) part of the latency, from a shifted gamma fitted to the
    path's mean and percentiles (see sim.capacity.fit)."""
    fitted_random_ms: float
    """The same, priced by the fitted unit costs."""
    residual_ms: float
    """measured_random_ms − fitted_random_ms."""
    overhead_ms: float
    """Fixed, unqueued part: network_ms plus this path's path_overhead_ms."""
    modelled_random_ms: float
    """Mean service plus wait the model gives the path on the measured deployment."""
    delay_ms: float = 0.0
    """Mean of the path's unqueued random delay: measured_random_ms beyond
    modelled_random_ms (0 when the model prices at least the measured random mean)."""
    shape: float
    """Gamma shape of the path's whole random part (SCV 1/shape), of mean modelled_random_ms
    plus delay_ms."""
    shape_rms: float
    """Relative rms error of the path's mean and percentiles under that shifted gamma."""


class WorkFit(_Strict):
    """Quality of the least-squares fit of unit costs to the paths' random means."""

    r_squared: float
    rms_residual_ms: float
    paths: dict[str, PathFit]


class UslCurve(_Strict):
    """Universal Scalability Law X(N) = λN / (1 + σ(N − 1) + κN(N − 1)) (sim.capacity.usl)."""

    lambda_per_user: float
    """λ: requests/s of one user alone."""
    sigma: float
    """σ: contention."""
    kappa: float
    """κ: coherency delay."""
    r_squared: float
    max_users: int
    """The largest user count the load test held."""
    peak_users: float | None
    """N* = sqrt((1 − σ)/κ), the concurrency of peak throughput; None when no peak is within
    reach of the data: κ = 0, or N* beyond sim.capacity.usl.PEAK_REACH × `max_users`."""


class Scalability(_Strict):
    """Throughput against concurrency: the USL curve, or why the data did not support one."""

    levels: int
    """Distinct concurrency levels (user counts held) the load test measured."""
    usl: UslCurve | None = None
    unsupported: str | None = None


class Calibration(_Strict):
    """A calibration file (see module docstring)."""

    source: str
    """The load-test result the costs were fitted from."""
    capacity: CalibratedCosts
    deployment: Deployment
    fit: WorkFit
    scalability: Scalability | None = None
    """None when the result records no concurrency levels (a load test before they were)."""


def load_calibration(path: str | Path) -> Calibration:
    """Read and validate a calibration file; CalibrationError names the file and field."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CalibrationError(f"{path}: cannot read calibration file: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise CalibrationError(f"{path}: not YAML: {exc}") from None
    try:
        return Calibration.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        raise CalibrationError(f"{path}: {where}: {first['msg']}") from None


def write_calibration(path: str | Path, calibration: Calibration) -> None:
    header = "# Written by `fanout calibrate`; include it with platform.capacity.calibration.\n"
    body = yaml.safe_dump(calibration.model_dump(mode="json"), sort_keys=False)
    Path(path).write_text(header + body, encoding="utf-8")
