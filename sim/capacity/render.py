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
    """Per path and statistic: measured, predicted, error in percent."""
    table = Table(title=f"check-model: measured vs predicted ({check.horizon_s:g} s simulated)")
    table.add_column("path")
    for stat in (*COMPARED, "requests_per_s"):
        label = stat.removesuffix("_ms").replace("requests_per_s", "req/s")
        for part in ("meas", "pred", "err %"):
            table.add_column(f"{label} {part}", justify="right")
    for row in check.paths:
        cells = [row.path]
        for stat in (*COMPARED, "requests_per_s"):
            error = row.error_pct(stat)
            cells += [number(row.measured[stat]), number(row.predicted[stat]), f"{error:+.0f}"]
        table.add_row(*cells)
    return table
