"""Time of day on chart axes: from the scenario's start hour, or a load test's start."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from matplotlib.figure import Figure

from outcomes.clock import clock_origin, clock_text, format_clock_axis

if TYPE_CHECKING:
    from conftest import ResultFactory


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (0.0, "00:00"),
        (21.0, "21:00"),
        (6.5, "06:30"),
        (24.0, "day 2 00:00"),
        (47.75, "day 2 23:45"),
    ],
)
def test_clock_text_reads_as_time_of_day(hours: float, text: str) -> None:
    assert clock_text(hours) == text


def test_a_simulations_clock_starts_at_its_scenarios_start_hour(factory: ResultFactory) -> None:
    result = factory.result()
    assert clock_origin(result) is None  # the factory's scenario does not say
    result.scenario.resolved["start_hour"] = 18
    assert clock_origin(result) == 18.0


def test_a_load_tests_clock_starts_when_it_started(factory: ResultFactory) -> None:
    result = factory.result().model_copy(
        update={"kind": "loadtest", "started_at": "2024-06-01T21:30:00+00:00"}
    )
    assert clock_origin(result) == 21.5


def _tick_labels(span: float, origin: float | None, right: float) -> list[str]:
    axes = Figure().add_subplot()
    axes.plot([origin or 0.0, right], [0, 1])
    format_clock_axis(axes, span, origin)
    axes.figure.canvas.draw()
    return [t.get_text() for t in axes.get_xticklabels() if t.get_text()]


def test_a_days_axis_ticks_in_hours_of_the_day() -> None:
    labels = _tick_labels(6.0, 18.0, 24.0)
    assert "18:00" in labels and "21:00" in labels
    assert all(":" in label and "day" not in label for label in labels)
    assert "00:00" in labels  # the evening ends at midnight, not "day 2 00:00"


def test_a_months_axis_ticks_by_day() -> None:
    labels = _tick_labels(31 * 24, 0.0, 31 * 24)
    assert "day 1" in labels and all(label.startswith("day ") for label in labels)


def test_without_an_origin_the_axis_says_hours_since_the_start() -> None:
    axes = Figure().add_subplot()
    format_clock_axis(axes, 24.0, None)
    assert axes.get_xlabel() == "hours since the start"
