"""Turn what a load test measured into the Result every Fanout tool reads.

Metric names follow outcomes/metrics.py: `latency.<path>.<stat>_ms` from the exact HDR
histograms (every response after the warm-up, failed ones included, as Locust counts them;
on a schedule, timed from when each request was due, with the response time from its
actual send beside it as `response.<path>.<stat>_ms`: loadtests.generator.pacing),
throughput of those responses over the time from the warm-up's end to the last response,
each path's share of them (`requests.<path>.share`, outcomes.mix, as the simulator reports
it), the error rate over the whole run (a failure is one whatever its moment), the server's
fan-out statistics (deliveries during the test; lag percentiles over the server's recent
posts), its ad totals over the test (`ads.impressions`, `ads.clicks`, `ads.ctr`,
`revenue.ads`: `GET /admin/stats/ads` before and after, promotions included, as the
simulator counts them), the third-party apps' requests after the warm-up and the 429s the
rate limits answered them as expected (`apps.requests`, `apps.throttled`, as the simulator's
apps count them), the photo bytes stored and served (`media.bytes_stored`,
`media.egress_bytes`, from the work headers), and `loadgen.lag.*`, how late scheduled
actions started (open model and replay only).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from loadtests.control.server_stats import AdStats, FanoutStats, ServerStats
from loadtests.records.cpu_use import CpuUse
from loadtests.records.deliveries import LIVE_DELIVER, PUSHES
from loadtests.records.histograms import PathHistograms, merged
from loadtests.records.plan import Measurements
from outcomes.mix import request_shares
from outcomes.paths import APP_PATHS, MEDIA_PATHS, POST_PATHS
from outcomes.result import Metric, Result, ScenarioRef, current_environment
from scenario import Scenario, resolved_dict
from scenario.seed_draws import FEN_PER_YUAN


def loadtest_metrics(
    measured: Measurements, before: ServerStats, after: ServerStats
) -> dict[str, Metric]:
    """Every metric of the run; the server's only where its statistics were read."""
    latency = merged([measured.latency])
    metrics = {
        **percentile_metrics("latency", latency),
        **percentile_metrics("response", merged([measured.response])),
        **throughput_metrics(measured, latency),
        **share_metrics(latency),
        **error_metrics(measured),
        **loadgen_metrics(merged([measured.loadgen_lag])),
        **cpu_metrics(measured.loadgen_cpu),
        **app_metrics(measured, latency),
        **live_delivery_metrics(latency),
        **media_metrics(measured),
    }
    if before.fanout is not None and after.fanout is not None:
        metrics |= fanout_metrics(before.fanout, after.fanout)
    if before.ads is not None and after.ads is not None:
        metrics |= ad_metrics(before.ads, after.ads)
    return metrics


def percentile_metrics(family: str, histograms: PathHistograms) -> dict[str, Metric]:
    """`<family>.<path>.<stat>_ms` for every path recorded (percentiles and mean)."""
    return {
        f"{family}.{name}.{stat}_ms": Metric(value=value, unit="ms")
        for name in histograms.names()
        for stat, value in histograms.summary_ms(name).items()
        if stat != "max"
    }


def throughput_metrics(measured: Measurements, latency: PathHistograms) -> dict[str, Metric]:
    """Requests per second after the warm-up: the responses in each request's histogram."""
    if measured.duration_s <= 0:
        return {}
    per_s = {name: latency.count(name) / measured.duration_s for name in measured.counts}
    metrics = {
        f"throughput.{name}.requests_per_s": Metric(value=rate, unit="1/s")
        for name, rate in per_s.items()
    }
    metrics["throughput.requests_per_s"] = Metric(value=sum(per_s.values()), unit="1/s")
    posts = sum(per_s.get(path, 0.0) for path in POST_PATHS)
    metrics["throughput.posts_per_s"] = Metric(value=posts, unit="1/s")
    return metrics


def live_delivery_metrics(latency: PathHistograms) -> dict[str, Metric]:
    """`live.delivery.p99_ms`: the 99th percentile of the viewers' comment pushes."""
    p99 = latency.summary_ms(LIVE_DELIVER).get("p99")
    return {} if p99 is None else {"live.delivery.p99_ms": Metric(value=p99, unit="ms")}


def share_metrics(latency: PathHistograms) -> dict[str, Metric]:
    """Each path's share of the requests completed after the warm-up (chat_deliver and
    live_deliver are no requests: they time pushes)."""
    counts = {name: latency.count(name) for name in latency.names() if name not in PUSHES}
    return {
        name: Metric(value=value, unit=unit)
        for name, (value, unit) in request_shares(counts).items()
    }


def error_metrics(measured: Measurements) -> dict[str, Metric]:
    requests = sum(count.requests for count in measured.counts.values())
    failures = sum(count.failures for count in measured.counts.values())
    metrics = {
        "errors.count": Metric(value=failures, unit="count"),
        "errors.exceptions": Metric(value=sum(measured.exceptions.values()), unit="count"),
    }
    if requests:
        metrics["errors.rate"] = Metric(value=failures / requests, unit="ratio")
    return metrics


def app_metrics(measured: Measurements, latency: PathHistograms) -> dict[str, Metric]:
    """The apps' requests after the warm-up, and how many of them were throttled (429)."""
    requests = sum(latency.count(path) for path in APP_PATHS)
    throttled = sum(measured.throttled.get(path, 0) for path in APP_PATHS)
    return {
        "apps.requests": Metric(value=requests, unit="count"),
        "apps.throttled": Metric(value=throttled, unit="count"),
    }


def media_metrics(measured: Measurements) -> dict[str, Metric]:
    """Photo bytes the server wrote and served after the warm-up, from the work headers of
    the photo paths (a thumbnail batch's reads summed): absent when no photo path ran."""
    work = measured.work
    photo_paths = [path for path in MEDIA_PATHS if path in work.totals]
    if not photo_paths:
        return {}
    units = {"media.bytes_stored": "media_bytes_stored", "media.egress_bytes": "media_bytes_served"}
    return {
        name: Metric(value=sum(work.totals[p].get(unit, 0) for p in photo_paths), unit="bytes")
        for name, unit in units.items()
    }


def loadgen_metrics(histograms: PathHistograms) -> dict[str, Metric]:
    stats = histograms.summary_ms("lag")
    wanted = {"p50": "p50_ms", "p99": "p99_ms", "max": "max_ms"}
    return {
        f"loadgen.lag.{suffix}": Metric(value=stats[stat], unit="ms")
        for stat, suffix in wanted.items()
        if stat in stats
    }


def cpu_metrics(cpu: CpuUse) -> dict[str, Metric]:
    """`loadgen.cpu.*`: mean and highest CPU use of the processes that ran users."""
    if cpu.mean_pct is None:  # no sample: the run ended within its warm-up
        return {}
    return {
        "loadgen.cpu.mean_pct": Metric(value=cpu.mean_pct, unit="%"),
        "loadgen.cpu.max_pct": Metric(value=cpu.max_pct, unit="%"),
    }


def fanout_metrics(before: FanoutStats, after: FanoutStats) -> dict[str, Metric]:
    delivered = after.deliveries - before.deliveries
    metrics = {"fanout.deliveries": Metric(value=delivered, unit="count")}
    lags = {"p50_s": after.lag_p50_s, "p99_s": after.lag_p99_s, "max_s": after.lag_max_s}
    metrics |= {
        f"fanout.lag.{stat}": Metric(value=value, unit="s")
        for stat, value in lags.items()
        if value is not None
    }
    if (backlog := after.backlog()) is not None:
        metrics["fanout.backlog"] = Metric(value=backlog, unit="count")
    return metrics


def ad_metrics(before: AdStats, after: AdStats) -> dict[str, Metric]:
    impressions, clicks = after.impressions - before.impressions, after.clicks - before.clicks
    metrics = {
        "ads.impressions": Metric(value=impressions, unit="count"),
        "ads.clicks": Metric(value=clicks, unit="count"),
        "revenue.ads": Metric(value=(after.spent - before.spent) / FEN_PER_YUAN, unit="coins"),
    }
    if impressions:
        metrics["ads.ctr"] = Metric(value=clicks / impressions, unit="ratio")
    return metrics


def loadtest_result(
    scenario: Scenario,
    started_at: datetime,
    duration_s: float,
    metrics: dict[str, Metric],
    target: dict[str, Any],
) -> Result:
    """The run's Result; `target` (host, processes, seeded accounts) joins the environment."""
    return Result(
        kind="loadtest",
        scenario=ScenarioRef(name=scenario.name, resolved=resolved_dict(scenario)),
        seed=scenario.seed,
        started_at=started_at.isoformat(timespec="seconds"),
        duration_s=duration_s,
        environment={**current_environment(), "loadtest": target},
        metrics=metrics,
    )
