"""Figures shared by compare, sweep and report, drawn without pyplot's global state.

Figures are built with `matplotlib.figure.Figure` and rendered by the Agg canvas, so plotting
works headless, in worker processes and in tests, and no figure outlives its caller.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from outcomes.metrics import CATALOGUE
from outcomes.timeseries import Timeseries, shared_columns

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

FIGURE_SIZE = (8.0, 4.5)
"""Inches; wide enough for a day of samples, short enough to stack in a report."""
DPI = 100
PNG_COMPRESS_LEVEL = 1
"""zlib level for saved plots: a run writes some thirty of them, and level 1 encodes in about
half the time of Pillow's default 6 for files about a sixth larger."""
TIMESERIES_PLOT_PREFIX = "timeseries_"
"""File name prefix of saved timeseries plots, so a report can tell them from other PNGs."""


MARGINS = {"left": 0.11, "right": 0.97, "bottom": 0.12, "top": 0.9}
"""Fixed margins (figure fractions) that fit the axis labels: a layout engine measuring
every tick label took half of a run's plotting time."""


def new_figure(title: str) -> tuple[Figure, Axes]:
    """A figure with one axes and a title; returns both.

    Matplotlib is imported here, when a first figure is drawn, not with this module: the
    `fanout` command imports every command's modules, and matplotlib is most of a second
    of the start-up of `fanout serve` and `fanout fanout-worker`, which never plot."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=FIGURE_SIZE, dpi=DPI)
    figure.subplots_adjust(**MARGINS)
    axes = figure.add_subplot()
    axes.set_title(title)
    axes.grid(alpha=0.3)
    return figure, axes


def png_bytes(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL})
    return buffer.getvalue()


def save_png(figure: Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png_bytes(figure))
    return path


def axis_label(metric: str) -> str:
    """The metric name with its catalogued unit, e.g. `latency.post.p99_ms (ms)`."""
    info = CATALOGUE.get(metric)
    return f"{metric} ({info.unit})" if info else metric


def file_stem(name: str) -> str:
    """A metric or parameter name made safe as a file name."""
    return re.sub(r"[^A-Za-z0-9_.=-]+", "_", name)


def timeseries_figure(column: str, runs: Sequence[tuple[str, Timeseries]]) -> Figure:
    """One column of several runs' timeseries overlaid on a shared time axis."""
    figure, axes = new_figure(column)
    for label, series in runs:
        axes.plot(series.t_hours, series.columns[column], label=label)
    axes.set_xlabel("time (hours)")
    axes.set_ylabel(axis_label(column))
    if len(runs) > 1:
        axes.legend()
    return figure


def timeseries_figures(runs: Sequence[tuple[str, Timeseries]]) -> dict[str, Figure]:
    """An overlay figure for each column every run's timeseries has, keyed by column."""
    columns = shared_columns([series for _, series in runs])
    return {column: timeseries_figure(column, runs) for column in columns}


def write_timeseries_plots(runs: Sequence[tuple[str, Timeseries]], out_dir: Path) -> list[Path]:
    """Save each overlay figure as `<out_dir>/timeseries_<column>.png`."""
    return [
        save_png(figure, out_dir / f"{TIMESERIES_PLOT_PREFIX}{file_stem(column)}.png")
        for column, figure in timeseries_figures(runs).items()
    ]
