"""Tables of `fanout calibrate`, `check-model` and `plan` for people (JSON comes from models)."""

from __future__ import annotations

from rich.table import Table

from outcomes.formatting import number
from scenario.calibration import Calibration, Scalability
from sim.capacity.check import COMPARED, ModelCheck
from sim.capacity.fit import COST_FIELDS
from sim.capacity.sizing import CapacityPlan


def calibration_table(calibration: Calibration) -> Table:
    """Per path: measured and fitted random mean, residual, fixed part, delay, shape; costs
    below."""
    fit = calibration.fit
    costs = calibration.capacity
    fitted = ", ".join(f"{name} {number(getattr(costs, name))}" for name in COST_FIELDS)
    table = Table(
        title=f"calibration: R² {fit.r_squared:.3f}, rms residual {number(fit.rms_residual_ms)} ms",
        caption=f"{fitted}; network_ms {number(costs.network_ms)}. random: mean of the "
        "latency's random part; delay: its mean beyond what the model prices, not queued; "
        "shape: its gamma shape (1 = exponential); fit: relative rms error of mean, p50, p90, "
        "p95, p99",
    )
    columns = (
        "path", "req/s", "mean ms", "random ms", "fitted ms", "residual ms", "fixed ms",
        "delay ms", "shape", "fit",
    )  # fmt: skip
    for column in columns:
        table.add_column(column, justify="left" if column == "path" else "right")
    for path, row in sorted(fit.paths.items()):
        table.add_row(
            path, number(row.requests_per_s), number(row.measured_mean_ms),
            number(row.measured_random_ms), number(row.fitted_random_ms),
            number(row.residual_ms), number(row.overhead_ms), number(row.delay_ms),
            number(row.shape),
            f"{row.shape_rms:.0%}",
        )  # fmt: skip
    return table


def scalability_line(scalability: Scalability | None) -> str:
    """The USL fit in one line, or why there is none."""
    if scalability is None:
        return "USL: the result records no concurrency levels (re-run the load test)"
    curve = scalability.usl
    if curve is None:
        return f"USL: not fitted: {scalability.unsupported}"
    peak = (
        f"no peak within reach: throughput still rising up to {curve.max_users} users"
        if curve.peak_users is None
        else f"peak throughput at N* = {number(curve.peak_users)} users"
    )
    return (
        f"USL over {scalability.levels} concurrency levels: λ {number(curve.lambda_per_user)} "
        f"req/s per user, σ {number(curve.sigma)}, κ {number(curve.kappa)}, "
        f"R² {curve.r_squared:.3f}; {peak}"
    )


def check_table(check: ModelCheck) -> Table:
    """Per path and statistic: `measured / predicted (error %)`."""
    caption = (
        f"not in the calibration (too few requests when it was measured): "
        f"{', '.join(check.uncalibrated)}"
        if check.uncalibrated
        else None
    )
    table = Table(
        title=f"check-model: measured / predicted ({check.horizon_s:g} s simulated)",
        caption=caption,
    )
    table.add_column("path", no_wrap=True)
    stats = (*COMPARED, "requests_per_s")
    for stat in stats:
        table.add_column(stat.replace("requests_per_s", "req/s"), justify="right")
    for row in check.paths:
        cells = [
            f"{number(row.measured[s])} / {number(row.predicted[s])} ({row.error_pct(s):+.0f}%)"
            for s in stats
        ]
        table.add_row(row.path, *cells)
    return table


def plan_tables(planned: CapacityPlan) -> tuple[Table, Table]:
    """Per resource: servers and utilisation; per SLO: predicted value and verdict."""
    workload = planned.workload
    resources = Table(
        title=f"plan: {planned.scenario} at {workload.users:,} users, peak hour "
        f"{planned.peak_hour}:00 ({number(planned.solution.requests_per_s)} req/s)",
        caption=_largest_caption(planned),
    )
    for column in ("resource", "servers", "utilisation"):
        resources.add_column(column, justify="left" if column == "resource" else "right")
    for name, queue in planned.solution.stations.items():
        resources.add_row(name, str(planned.servers[name]), f"{queue.utilisation:.1%}")
    live, media = planned.live, planned.media
    resources.add_row("live fan-out", str(live.servers), f"{live.utilisation:.1%}")
    links, use = str(media.egress_links), f"{media.egress_utilisation:.1%}"
    resources.add_row("media egress links", links, use)
    thumbnails = str(media.thumbnail_servers), f"{media.thumbnail_utilisation:.1%}"
    resources.add_row("thumbnail CPU (cores)", *thumbnails)
    slos = Table(title="SLOs at the peak hour")
    slos.add_column("SLO", no_wrap=True)
    slos.add_column("predicted", justify="right")
    slos.add_column("verdict")
    for verdict in planned.verdicts:
        met = "[green]met[/]" if verdict.met else "[red]missed[/]"
        slos.add_row(str(verdict.slo), number(verdict.predicted), met)
    for slo in planned.not_planned:
        slos.add_row(str(slo), "-", "not predicted by the capacity model")
    return resources, slos


def media_live_lines(planned: CapacityPlan) -> list[str]:
    """Storage growth, egress and thumbnailing at the peak and the largest live room, as
    printed lines."""
    media, live = planned.media, planned.live
    return [
        f"photo storage: {number(media.storage_gib_per_day)} GiB/day",
        f"photo egress at the peak: {number(media.egress_gbit_s)} Gbit/s",
        f"thumbnailing at the peak: {number(media.thumbnails_per_s)} uploads/s, "
        f"{number(media.thumbnail_cores)} cores busy; thumbnail servers (one core each): "
        f"{media.thumbnail_servers:,}",
        f"live fan-out: {number(live.pushes_per_s)} pushes/s at the peak; largest room within "
        f"{number(live.delivery_slo_ms)} ms delivery: {live.largest_room:,} viewers",
    ]


def _largest_caption(planned: CapacityPlan) -> str:
    workload, lag = planned.workload, planned.solution.fanout_lag_s
    followers = f"largest account: {number(workload.largest_followers)} followers"
    if workload.largest_fanout == 0.0:
        return f"{followers}, pulled on read: no fan-out"
    pulled = workload.largest_fanout < workload.largest_followers
    post = f"largest pushed post ({number(planned.solution.largest_fanout)} deliveries)"
    return (
        f"{followers}{' (pulled on read)' if pulled else ''}; {post} fans out over "
        f"{planned.servers['fanout']} workers at the peak in mean {number(lag.mean)} s, "
        f"p99 {number(lag.p99)} s"
    )
