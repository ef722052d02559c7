"""A factory of realistic Results: replicates drawn from a seeded generator, runs on disk."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pytest

from outcomes.result import Result, ScenarioRef, metric_from_replicates, write_result
from outcomes.timeseries import Timeseries, write_timeseries

SEED = 20240601

MetricSpec = Mapping[str, tuple[float, float, str]]
"""Metric → (mean, standard deviation across replications, unit)."""

TYPICAL_METRICS: MetricSpec = {
    "latency.timeline_read.p95_ms": (120.0, 4.0, "ms"),
    "latency.chat_send.p99_ms": (80.0, 3.0, "ms"),
    "latency.gift.p99_ms": (150.0, 6.0, "ms"),
    "throughput.requests_per_s": (2400.0, 30.0, "1/s"),
    "errors.rate": (0.002, 0.0004, "ratio"),
    "revenue.total": (50_000.0, 900.0, "coins"),
    "users.dau": (80_000.0, 700.0, "count"),
}


class ResultFactory:
    """Builds Results whose metrics are means of normal draws from one seeded generator."""

    metrics = TYPICAL_METRICS

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def result(
        self,
        metrics: MetricSpec = TYPICAL_METRICS,
        replications: int = 8,
        slos: list[str] | None = None,
    ) -> Result:
        resolved: dict[str, object] = {"name": "test", "duration_hours": 24}
        if slos is not None:
            resolved["slos"] = slos
        drawn = {
            name: metric_from_replicates(self.rng.normal(mean, sd, replications).tolist(), unit)
            for name, (mean, sd, unit) in metrics.items()
        }
        return Result(
            kind="simulation",
            scenario=ScenarioRef(name="test", resolved=resolved),
            seed=1,
            replications=replications,
            started_at="2024-06-01T12:00:00+00:00",
            duration_s=3.5,
            environment={"python": "3.11", "host": "test"},
            metrics=drawn,
        )

    @staticmethod
    def shifted(name: str, factor: float, metrics: MetricSpec = TYPICAL_METRICS) -> MetricSpec:
        """The metric spec with one metric's mean multiplied by `factor`."""
        mean, sd, unit = metrics[name]
        return {**metrics, name: (mean * factor, sd, unit)}

    def run(self, base: Path, name: str, result: Result, timeseries: bool = True) -> Path:
        """Write the result as `base/name/`, by default with a day of hourly timeseries."""
        run_dir = base / name
        write_result(run_dir, result)
        if timeseries:
            hours = np.arange(25, dtype=float)
            diurnal = 100 + 40 * np.sin(hours / 24 * 2 * np.pi)
            columns = {
                "latency.timeline_read.p95_ms": (diurnal + self.rng.normal(0, 3, 25)).tolist(),
                "users.online": (diurnal * 50).tolist(),
            }
            write_timeseries(run_dir, Timeseries(t_hours=hours.tolist(), columns=columns))
        return run_dir


@pytest.fixture
def factory() -> ResultFactory:
    return ResultFactory(np.random.default_rng(SEED))


@pytest.fixture
def seeded_factory() -> Callable[[int], ResultFactory]:
    """Factories for several seeds, for properties that must hold whatever the draw."""
    return lambda seed: ResultFactory(np.random.default_rng(seed))
