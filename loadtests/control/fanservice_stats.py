"""The fan services' delivery statistics after a load test, as `fanservice.*` metrics.

Each open service's account reads its own `GET /fanservice/stats` once the test is over
(the server keeps no platform-wide fan-service counter): subscribers, broadcasts and
deliveries of its most recent `platform.fanservice.stats_window` broadcasts, and the lag
(broadcast -> last subscriber's inbox) percentiles of the finished ones. Seeding broadcasts
nothing, so the broadcasts and deliveries are the test's, warm-up included, as
`fanout.deliveries` are. The lags come as each service's median and 99th percentile, not
the single broadcasts', so `fanservice.lag.p50_s` is the median of the services' medians
and `fanservice.lag.p99_s` the highest service's 99th percentile (at least the 99th
percentile of all broadcasts together).
"""

from __future__ import annotations

import statistics

import httpx
from pydantic import BaseModel

from loadtests.control.runner import Progress
from loadtests.records.seeded import SeededFanService
from outcomes.result import Metric


class ServiceStats(BaseModel):
    """The body of a service's `GET /fanservice/stats` (what the metrics read of it)."""

    subscribers: int
    broadcasts: int
    deliveries: int
    pending: int
    lag_p50_s: float | None
    lag_p99_s: float | None


def read_fanservice_stats(
    client: httpx.Client, services: list[SeededFanService], progress: Progress
) -> list[ServiceStats]:
    """Every open service's statistics, read as its account (none when a read fails)."""
    read = []
    for service in services:
        headers = {"Authorization": f"Bearer {service.token}"}
        response = client.get("/fanservice/stats", headers=headers)
        if response.status_code != 200:
            progress(f"no fan-service statistics: GET /fanservice/stats -> {response.status_code}")
            return []
        read.append(ServiceStats.model_validate(response.json()))
    return read


def fanservice_metrics(stats: list[ServiceStats]) -> dict[str, Metric]:
    """`fanservice.*` of the services read (see module docstring); none without services."""
    if not stats:
        return {}
    counts = {
        "fanservice.services": len(stats),
        "fanservice.subscribers": sum(s.subscribers for s in stats),
        "fanservice.broadcasts": sum(s.broadcasts for s in stats),
        "fanservice.deliveries": sum(s.deliveries for s in stats),
        "fanservice.pending": sum(s.pending for s in stats),
    }
    metrics = {name: Metric(value=value, unit="count") for name, value in counts.items()}
    medians = [s.lag_p50_s for s in stats if s.lag_p50_s is not None]
    tails = [s.lag_p99_s for s in stats if s.lag_p99_s is not None]
    if medians:
        metrics["fanservice.lag.p50_s"] = Metric(value=statistics.median(medians), unit="s")
    if tails:
        metrics["fanservice.lag.p99_s"] = Metric(value=max(tails), unit="s")
    return metrics
