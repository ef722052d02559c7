"""The Result: what one simulated or measured run writes to `results/<run>/summary.json`.

Simulations and load tests both produce this one schema, so any two runs can be compared
and gated. Reading is strict and every failure names the file: a CI gate that silently
read the wrong file would pass a build it should fail.
"""

from __future__ import annotations

import json
import platform
import socket
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from outcomes.stats import mean_ci95

SCHEMA_VERSION = 1
"""The newest `schema_version` this code reads and the one it writes."""
SUMMARY_FILE = "summary.json"
ENVIRONMENT_PACKAGES = ("fanout", "numpy", "scipy", "simpy", "pydantic", "locust")
"""Packages whose versions a Result records, because they change what a run measures."""


class ResultError(Exception):
    """A result file is missing, unreadable or not a Result; the message names the file."""


IntervalMethod = Literal[
    "replications", "order-statistic", "wilson", "binomial", "poisson", "compound-poisson"
]
"""How a metric's 95 % interval was made: a t-interval over replications, or from within
one replication by the method for its kind of metric (`sim.intervals` says which and why)."""
INTERVAL_METHODS: dict[str, str] = {
    "replications": "t-interval over replications",
    "order-statistic": "order statistic",
    "wilson": "Wilson score",
    "binomial": "binomial",
    "poisson": "Poisson, exact",
    "compound-poisson": "compound Poisson",
}
"""Each method in the words a report shows it in."""


class Metric(BaseModel):
    """One number a run produced, with its unit and its 95 % interval: over replications,
    or, for a run of one replication, from within it (`interval` says which method).

    Values must be finite (JSON has no NaN): leave out a metric that has no value in a run.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    value: float
    unit: str
    ci95: tuple[float, float] | None = None
    interval: IntervalMethod | None = Field(
        default=None,
        description="How ci95 was made: 'replications' (t-interval) or a within-run method.",
    )
    replicates: list[float] | None = Field(
        default=None,
        description="Per-replication values, kept so runs can be compared by Welch's test.",
    )

    @field_validator("ci95")
    @classmethod
    def _ordered(cls, ci95: tuple[float, float] | None) -> tuple[float, float] | None:
        if ci95 is not None and ci95[0] > ci95[1]:
            raise ValueError(f"ci95 lower bound {ci95[0]} is above upper bound {ci95[1]}")
        return ci95


class ScenarioRef(BaseModel):
    """The scenario a run executed: its name and every field after defaults were applied."""

    name: str
    resolved: dict[str, Any] = Field(default_factory=dict)

    @field_validator("resolved")
    @classmethod
    def _slos_are_strings(cls, resolved: dict[str, Any]) -> dict[str, Any]:
        slos = resolved.get("slos")
        if slos is not None and not (
            isinstance(slos, list) and all(isinstance(s, str) for s in slos)
        ):
            raise ValueError(f"slos must be a list of SLO strings, got {slos!r}")
        return resolved


class Result(BaseModel):
    """The contents of `summary.json` (schema in ARCHITECTURE.md; metric names in metrics.py)."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = Field(default=SCHEMA_VERSION, ge=1, le=SCHEMA_VERSION)
    kind: Literal["simulation", "loadtest"]
    scenario: ScenarioRef
    seed: int | None = None
    replications: int = Field(default=1, ge=1)
    started_at: str = Field(description="ISO-8601 time the run started.")
    duration_s: float = Field(ge=0, description="Wall-clock seconds the run took.")
    environment: dict[str, Any] = Field(default_factory=dict)
    metrics: dict[str, Metric]

    @field_validator("started_at")
    @classmethod
    def _iso_8601(cls, started_at: str) -> str:
        datetime.fromisoformat(started_at)  # raises ValueError naming the bad text
        return started_at


@dataclass(frozen=True)
class Run:
    """A loaded result and where it came from; the label is what tables and plots show."""

    label: str
    run_dir: Path
    result: Result


def metric_from_replicates(
    values: Sequence[float], unit: str, keep_replicates: bool = True
) -> Metric:
    """Summarise per-replication values as their mean with a t-based 95 % interval."""
    mean, ci95 = mean_ci95(values)
    replicates = [float(v) for v in values] if keep_replicates else None
    method: IntervalMethod | None = None if ci95 is None else "replications"
    return Metric(value=mean, unit=unit, ci95=ci95, interval=method, replicates=replicates)


def current_environment() -> dict[str, Any]:
    """Python, platform, host and package versions, for the Result's `environment`."""
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "host": socket.gethostname(),
        "packages": {name: _package_version(name) for name in ENVIRONMENT_PACKAGES},
    }


def _package_version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def summary_path(path: Path) -> Path:
    """The summary.json a user meant: the path itself, or the one inside a run directory."""
    return path / SUMMARY_FILE if path.is_dir() else path


def load_result(path: Path | str) -> Result:
    """Read a Result from a run directory or a summary.json file; raises ResultError."""
    file = summary_path(Path(path))
    raw = _read_json(file)
    _check_schema_version(file, raw)
    try:
        return Result.model_validate(raw)
    except ValidationError as exc:
        raise ResultError(f"{file} is not a fanout Result: {_first_error(exc)}") from exc


def load_run(path: Path | str) -> Run:
    file = summary_path(Path(path))
    return Run(label=file.parent.name, run_dir=file.parent, result=load_result(file))


def load_runs(paths: Sequence[Path | str]) -> list[Run]:
    """Load several runs, labelling each by its directory name (its path where names clash)."""
    runs = [load_run(p) for p in paths]
    labels = [run.label for run in runs]
    if len(set(labels)) == len(labels):
        return runs
    return [Run(str(run.run_dir), run.run_dir, run.result) for run in runs]


def write_result(run_dir: Path | str, result: Result) -> Path:
    """Write `summary.json` into the run directory (created if needed); returns its path."""
    file = Path(run_dir) / SUMMARY_FILE
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(result.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return file


def _read_json(file: Path) -> Any:
    if not file.is_file():
        raise ResultError(
            f"{file}: no such result file (expected a run directory or {SUMMARY_FILE})"
        )
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ResultError(f"{file} is not valid JSON: {exc}") from exc


def _check_schema_version(file: Path, raw: Any) -> None:
    """Refuse newer schemas before validating, so the message says why rather than which field."""
    found = raw.get("schema_version") if isinstance(raw, dict) else None
    if isinstance(found, int) and found > SCHEMA_VERSION:
        raise ResultError(
            f"{file} has schema_version {found}, newer than this fanout reads "
            f"(up to {SCHEMA_VERSION}); upgrade fanout to read it"
        )


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or "(top level)"
    return f"field {field!r}: {error['msg']} (got {error['input']!r:.80})"
