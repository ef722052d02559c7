"""Tables of `fanout calibrate` and `fanout check-model` for people (JSON comes from models)."""

from __future__ import annotations

from rich.table import Table

from outcomes.formatting import number
from outcomes.scenario.calibration import Calibration
from sim.capacity.check import COMPARED, ModelCheck
from sim.capacity.fit import COST_FIELDS


def calibration_table(calibration: Calibration) -> Table:
    """Per path: measured and fitted spread, residual, fixed part; costs in the caption."""
    fit = calibration.fit
    costs = calibration.capacity
    fitted = ", ".join(f"{name} {number(getattr(costs, name))}" for name in COST_FIELDS)
    table = Table(
        title=f"calibration: R² {fit.r_squared:.3f}, rms residual {number(fit.rms_residual_ms)} ms",
        caption=f"{fitted}; network_ms {number(costs.network_ms)}",
    )
    for column in ("path", "req/s", "mean ms", "spread ms", "fitted ms", "residual ms", "fixed ms"):
        table.add_column(column, justify="left" if column == "path" else "right")
    for path, row in sorted(fit.paths.items()):
        table.add_row(
            path, number(row.requests_per_s), number(row.measured_mean_ms),
            number(row.measured_spread_ms), number(row.fitted_spread_ms),
            number(row.residual_ms), number(row.overhead_ms),
        )  # fmt: skip
    return table


def check_table(check: ModelCheck) -> Table:
    """Per path and statistic: `measured / predicted (error %)`."""
    table = Table(title=f"check-model: measured / predicted ({check.horizon_s:g} s simulated)")
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
