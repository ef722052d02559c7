"""How numbers read in tables (a few significant digits, intervals, signed percentages) and CSV."""

from __future__ import annotations

from outcomes.result import Metric


def number(value: float, digits: int = 4) -> str:
    """Four significant digits (enough to see a change; three read as a headline), whole
    numbers with thousands separators from 10**digits up (never `8.55e+03`)."""
    if 10.0**digits <= abs(value) < 1e15:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def metric_value(metric: Metric) -> str:
    """`value [lo, hi]`, or the bare value when the run has no interval."""
    if metric.ci95 is None:
        return number(metric.value)
    lo, hi = metric.ci95
    return f"{number(metric.value)} [{number(lo)}, {number(hi)}]"


def percent(fraction: float) -> str:
    """A ratio (0-1) as a percentage with three significant digits: `12.3 %`."""
    return f"{fraction * 100:.3g} %"


def signed_percent(fraction: float | None) -> str:
    return "n/a" if fraction is None else f"{fraction * 100:+.1f} %"


def csv_columns(label: str) -> list[str]:
    """CSV headers for one metric or run: the value, then its interval's bounds."""
    return [label, f"{label}.ci_lo", f"{label}.ci_hi"]


def csv_cells(metric: Metric) -> list[float | None]:
    lo, hi = metric.ci95 if metric.ci95 is not None else (None, None)
    return [metric.value, lo, hi]
