"""Time of day on chart axes: a run's sample times as the clock a reader knows.

A simulation's clock starts at its scenario's `start_hour`; a load test's at the wall-clock
time (UTC) it started. Charts label ticks `21:00` (`day 2 06:00` past the first day), so "the
evening peak" reads off the axis instead of being worked out from hours since the start.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from outcomes.result import Result

if TYPE_CHECKING:  # matplotlib is imported when a chart is drawn (outcomes.plots.new_figure)
    from matplotlib.axes import Axes

HOURS_PER_DAY = 24
TICKS_PER_AXIS = 8
"""About how many ticks an axis gets; steps are whole hours that divide a day, or whole days."""
HOUR_STEPS = (1, 2, 3, 4, 6, 12)


def clock_origin(result: Result) -> float | None:
    """Hour of day (0-24) that the run's t = 0 stands for; None when the result does not say."""
    if result.kind == "loadtest":
        started = datetime.fromisoformat(result.started_at)
        return started.hour + started.minute / 60 + started.second / 3600
    start = result.scenario.resolved.get("start_hour")
    return float(start) if isinstance(start, int | float) else None


def clock_text(hours: float) -> str:
    """`21:00`, or `day 2 06:30` for hours past the first midnight (hours since day 1 00:00)."""
    minutes = round(hours * 60)
    day, minute_of_day = divmod(minutes, HOURS_PER_DAY * 60)
    text = f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"
    return text if day == 0 else f"day {day + 1} {text}"


def clock_hours(t_hours: Sequence[float], origin: float | None) -> list[float]:
    """Sample times as hours since midnight of the first day (unchanged without an origin)."""
    return [t + (origin or 0.0) for t in t_hours]


def format_clock_axis(axes: Axes, span_hours: float, origin: float | None) -> None:
    """Label the x-axis in time of day (or hours since the start when the origin is unknown)."""
    if origin is None:
        axes.set_xlabel("hours since the start")
        return
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    axes.xaxis.set_major_locator(MultipleLocator(_tick_step(span_hours)))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: _tick_text(x, span_hours)))
    axes.set_xlabel("time of day" if span_hours <= HOURS_PER_DAY else "day and time of day")


def _tick_step(span_hours: float) -> float:
    wanted = span_hours / TICKS_PER_AXIS
    for step in HOUR_STEPS:
        if step >= wanted:
            return float(step)
    return float(HOURS_PER_DAY * math.ceil(wanted / HOURS_PER_DAY))


def _tick_text(hours: float, span_hours: float) -> str:
    """A day's axis reads the clock alone (its end at `00:00`, not `day 2 00:00`);
    multi-day axes tick at midnights, labelled by the day."""
    if span_hours > 2 * HOURS_PER_DAY:
        return f"day {round(hours / HOURS_PER_DAY) + 1}"
    return clock_text(hours % HOURS_PER_DAY if span_hours <= HOURS_PER_DAY else hours)
