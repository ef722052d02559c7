"""The report's charts: small multiples grouped by the question they answer.

One figure per question (does capacity hold, did the business move, where did the money go,
does chat keep up), one small panel per series family, the x-axis in time of day with the
peak hour of traffic marked. Several runs are overlaid in each panel (a line style per run)
and replications draw their 95 % band. Every column a run wrote appears once: series no
question claims land in a last "other series" figure.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from outcomes.clock import clock_hours, clock_text, format_clock_axis
from outcomes.metrics import CATALOGUE, STREAM_METRICS, metric_label
from outcomes.paths import LATENCY_PATHS
from outcomes.timeseries import Timeseries

if TYPE_CHECKING:  # matplotlib is imported when a chart is drawn (outcomes.plots.new_figure)
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PANEL_SIZE = (4.2, 2.5)
"""Inches per small panel: three across fill a report's width at 100 dpi."""
COLUMNS_PER_ROW = 3
MARGIN_INCHES = {"left": 0.7, "right": 0.15, "bottom": 0.5, "top": 0.3}
"""Fixed margins that fit tick and axis labels (a layout engine measuring every label is
slow: see outcomes.plots.MARGINS)."""
DPI = 100
RUN_STYLES = ("-", "--", ":", "-.")
"""Line style per overlaid run, in run order (repeating past four)."""
BAND_ALPHA = 0.2
SATURATION = 1.0
"""A station's busy share at which its queue grows without bound."""
SATURATION_IN_VIEW = 0.5
"""Draw the saturation line when the axis already reaches this share of it."""
TRAFFIC_COLUMNS = ("throughput.requests_per_s", "users.concurrent", "users.active")
"""Columns whose maximum marks the peak hour, the first one a run has."""


@dataclass(frozen=True)
class Panel:
    """One small chart: the columns matching `columns` (names or globs), drawn together."""

    columns: tuple[str, ...]
    title: str = ""
    """Defaults to the first column's label."""
    stacked: bool = False
    saturation: bool = False
    implied: tuple[str, ...] = ()
    """Columns the panel shows without a line of their own (a stack's top is its total)."""


@dataclass(frozen=True)
class ChartGroup:
    key: str
    """Names the saved PNG, `chart_<key>.png`."""
    question: str
    panels: tuple[Panel, ...]


def _latency_panels() -> tuple[Panel, ...]:
    return tuple(
        Panel((f"latency.{path}.*",), f"{path.replace('_', ' ').capitalize()} latency")
        for path in (*LATENCY_PATHS, "all")
    )


CHART_GROUPS: tuple[ChartGroup, ...] = (
    ChartGroup(
        "capacity",
        "Capacity: does the platform keep up, and which station saturates first?",
        (
            Panel(("utilization.*",), "Utilisation by station", saturation=True),
            *_latency_panels(),
            Panel(("fanout.lag.*",), "Fan-out lag"),
            Panel(("fanout.deliveries",)),
            Panel(("throughput.requests_per_s",)),
            Panel(("users.concurrent",)),
            Panel(("errors.*",), "Errors"),
        ),
    ),
    ChartGroup(
        "business",
        "Business: did users, revenue, ads and sales move?",
        (
            Panel(STREAM_METRICS, "Revenue by stream", stacked=True, implied=("revenue.total",)),
            Panel(("users.active",)),
            Panel(("users.churned",)),
            Panel(("users.sessions",)),
            Panel(("ads.impressions",)),
            Panel(("ads.clicks",)),
            Panel(("commerce.orders",)),
            Panel(("commerce.gmv",)),
        ),
    ),
    ChartGroup(
        "money",
        "Money: top-ups into wallets, paid memberships and the revenue mix",
        (
            Panel(("payments.topups",)),
            Panel(("payments.topup_volume",)),
            Panel(("payments.*",), "Other payments"),
            Panel(("memberships.*",), "Paid memberships"),
            Panel(("revenue.share.*",), "Revenue mix"),
        ),
    ),
    ChartGroup("chat", "Chat: are messages sent and delivered?", (Panel(("chat.*",), "Chat"),)),
)
"""Figures in reading order; a panel shows the columns its patterns match that no earlier
panel took, and is left out when none are left."""
OTHER_QUESTION = "Other series"


@dataclass(frozen=True)
class Chart:
    """A drawn figure with the sentence that introduces it in a report."""

    key: str
    question: str
    caption: str
    figure: Figure


LabelledSeries = Sequence[tuple[str, Timeseries]]


def charts(runs: LabelledSeries, origin: float | None) -> list[Chart]:
    """The grouped figures of one run's timeseries, or of several overlaid.

    `origin` is the hour of day of the first run's t = 0 (None: hours since the start).
    """
    if not runs:
        return []
    available = [c for c in runs[0][1].columns if all(c in s.columns for _, s in runs[1:])]
    taken: set[str] = set()
    drawn = []
    for group in (*CHART_GROUPS, _other_group(available)):
        panels = [(p, cols) for p in group.panels if (cols := _claim(p, available, taken))]
        if panels:
            drawn.append(_chart(group, panels, runs, origin))
    return drawn


def _claim(panel: Panel, available: Sequence[str], taken: set[str]) -> list[str]:
    """The columns the panel draws: those its patterns match that no earlier panel took."""
    columns = [
        c for pattern in panel.columns for c in fnmatch.filter(available, pattern) if c not in taken
    ]
    columns = list(dict.fromkeys(columns))
    if columns:
        taken.update([*columns, *panel.implied])
    return columns


def _other_group(available: Sequence[str]) -> ChartGroup:
    return ChartGroup("other", OTHER_QUESTION, tuple(Panel((c,)) for c in available))


def _chart(
    group: ChartGroup,
    panels: list[tuple[Panel, list[str]]],
    runs: LabelledSeries,
    origin: float | None,
) -> Chart:
    rows = -(-len(panels) // COLUMNS_PER_ROW)
    width, height = PANEL_SIZE[0] * COLUMNS_PER_ROW, PANEL_SIZE[1] * rows
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=DPI)
    grid = figure.subplots(rows, COLUMNS_PER_ROW, squeeze=False)
    peak = _peak_hours(runs[0][1], origin)
    for axes, (panel, columns) in zip(grid.flat, panels, strict=False):
        _draw_panel(axes, panel, columns, runs, origin, peak)
    for axes in grid.flat[len(panels) :]:
        axes.set_visible(False)
    figure.subplots_adjust(
        left=MARGIN_INCHES["left"] / width,
        right=1 - MARGIN_INCHES["right"] / width,
        bottom=MARGIN_INCHES["bottom"] / height,
        top=1 - MARGIN_INCHES["top"] / height,
        wspace=0.3,
        hspace=0.6,
    )
    drawn = {column for _, columns in panels for column in columns}
    return Chart(group.key, group.question, _caption(runs, peak, origin, drawn), figure)


def _draw_panel(
    axes: Axes,
    panel: Panel,
    columns: list[str],
    runs: LabelledSeries,
    origin: float | None,
    peak: float | None,
) -> None:
    title = panel.title or metric_label(columns[0])
    axes.set_title(title, fontsize="medium")
    axes.grid(alpha=0.3)
    if panel.stacked and len(runs) == 1:
        _stack(axes, title, columns, runs[0][1], origin)
    else:
        for i, (label, series) in enumerate(runs):
            run = label if len(runs) > 1 else ""
            _lines(axes, title, columns, series, origin, RUN_STYLES[i % len(RUN_STYLES)], run)
    if panel.saturation:
        _saturation(axes)
    if peak is not None:
        axes.axvline(peak, color="0.4", linestyle=":", linewidth=1)
    _format_axes(axes, columns[0], runs[0][1], origin)
    if len(columns) > 1 or len(runs) > 1 or panel.saturation:
        axes.legend(fontsize="x-small", loc="best")


def _lines(
    axes: Axes,
    title: str,
    columns: list[str],
    series: Timeseries,
    origin: float | None,
    style: str,
    run: str,
) -> None:
    x = clock_hours(series.t_hours, origin)
    for column in columns:
        label = ": ".join(part for part in (run, _legend(title, column)) if part)
        (line,) = axes.plot(x, series.columns[column], style, label=label)
        band = series.bands.get(column)
        if band is not None:
            axes.fill_between(x, *band, color=line.get_color(), alpha=BAND_ALPHA, linewidth=0)


def _stack(
    axes: Axes, title: str, columns: list[str], series: Timeseries, origin: float | None
) -> None:
    x = clock_hours(series.t_hours, origin)
    labels = [_legend(title, c) or metric_label(c) for c in columns]
    axes.stackplot(x, *(series.columns[c] for c in columns), labels=labels, alpha=0.85)


def _saturation(axes: Axes) -> None:
    """The busy share at which a station saturates: a line when the data come near it, else
    only named in the legend (a line at 100 % would flatten a 2 % curve to nothing)."""
    if axes.get_ylim()[1] >= SATURATION * SATURATION_IN_VIEW:
        axes.axhline(SATURATION, color="tab:red", linewidth=1, label="saturation")
    else:
        axes.plot([], [], color="tab:red", label=f"saturation ({SATURATION:.0%}): off the scale")


def _legend(title: str, column: str) -> str:
    """The column's label less the panel's title: `99th percentile` in a latency panel."""
    label = metric_label(column)
    if label.lower().startswith(title.lower()):
        return label[len(title) :].lstrip(" ,:")
    return label


def _format_axes(axes: Axes, column: str, series: Timeseries, origin: float | None) -> None:
    span = series.t_hours[-1] - series.t_hours[0] if series.t_hours else 0.0
    format_clock_axis(axes, span, origin)
    axes.xaxis.label.set_fontsize("small")
    axes.tick_params(labelsize="x-small")
    info = CATALOGUE.get(column)
    if info is not None and info.unit == "ratio":
        from matplotlib.ticker import PercentFormatter

        axes.yaxis.set_major_formatter(PercentFormatter(1.0))
    elif info is not None and info.unit != "count":
        axes.set_ylabel(info.unit, fontsize="small")


def _peak_hours(series: Timeseries, origin: float | None) -> float | None:
    """Where on the x-axis traffic peaked: the maximum of the first traffic column present."""
    column = next((c for c in TRAFFIC_COLUMNS if c in series.columns), None)
    if column is None:
        return None
    present = [
        (v, t) for v, t in zip(series.columns[column], series.t_hours, strict=True) if v == v
    ]
    if not present:
        return None
    return max(present)[1] + (origin or 0.0)


def _caption(
    runs: LabelledSeries, peak: float | None, origin: float | None, drawn: set[str]
) -> str:
    """What the chart shows beyond its axes; the shading only where a drawn series has it
    (one replication has bands for station utilisation alone)."""
    parts = []
    if peak is not None:
        when = clock_text(peak) if origin is not None else f"{peak:.1f} h in"
        parts.append(f"Dotted line: peak traffic ({when}).")
    if any(drawn & s.bands.keys() for _, s in runs):
        parts.append(
            "Shaded: 95 % interval over replications (within the run, for one replication)."
        )
    if len(runs) > 1:
        styles = ", ".join(f"{label} {_style_name(i)}" for i, (label, _) in enumerate(runs))
        parts.append(f"Runs: {styles}.")
    return " ".join(parts)


def _style_name(index: int) -> str:
    return {"-": "solid", "--": "dashed", ":": "dotted", "-.": "dash-dot"}[
        RUN_STYLES[index % len(RUN_STYLES)]
    ]
