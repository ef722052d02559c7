"""Grouped charts: a figure per question, small panels, every column once, bands and marks."""

from __future__ import annotations

import numpy as np
from matplotlib.collections import PolyCollection

from outcomes.charts import OTHER_QUESTION, charts
from outcomes.timeseries import Timeseries

HOURS = [0.0, 1.0, 2.0, 3.0]


def _series(**columns: list[float]) -> Timeseries:
    return Timeseries(HOURS, {name.replace("__", "."): values for name, values in columns.items()})


def _titles(chart_figure: object) -> list[str]:
    return [a.get_title() for a in chart_figure.axes if a.get_visible()]  # type: ignore[attr-defined]


def test_columns_are_grouped_by_question_and_drawn_once() -> None:
    series = Timeseries(
        HOURS,
        {
            "latency.timeline_read.p50_ms": [1, 2, 3, 4],
            "latency.timeline_read.p99_ms": [5, 6, 7, 8],
            "utilization.app": [0.1, 0.5, 0.9, 0.4],
            "revenue.ads": [1, 1, 1, 1],
            "revenue.games": [2, 2, 2, 2],
            "revenue.total": [3, 3, 3, 3],
            "users.online": [9, 9, 9, 9],
        },
    )
    drawn = {chart.key: chart for chart in charts([("run", series)], 18.0)}
    assert list(drawn) == ["capacity", "business", "other"]
    assert _titles(drawn["capacity"].figure) == ["Utilisation by station", "Timeline read latency"]
    assert _titles(drawn["business"].figure) == ["Revenue by stream"]  # the total tops the stack
    assert _titles(drawn["other"].figure) == ["Users: online"]
    assert drawn["other"].question == OTHER_QUESTION
    (latency,) = [a for a in drawn["capacity"].figure.axes if a.get_title().startswith("Timeline")]
    assert [line.get_label() for line in latency.get_lines()[:2]] == [
        "median",
        "99th percentile",
    ]


def test_the_peak_hour_of_traffic_is_marked_on_every_panel_and_named() -> None:
    series = _series(
        throughput__requests_per_s=[10, 40, 20, 10], latency__post__p99_ms=[1, 2, 3, 4]
    )
    (chart,) = charts([("run", series)], 18.0)
    assert "peak traffic (19:00)" in chart.caption
    for axes in chart.figure.axes:
        if axes.get_visible():
            assert any(np.array_equal(line.get_xdata(), [19.0, 19.0]) for line in axes.get_lines())


def test_the_saturation_line_shows_when_utilisation_comes_near_it() -> None:
    def saturation(values: list[float]) -> list[str]:
        (chart,) = charts([("run", _series(utilization__db=values))], 0.0)
        legend = chart.figure.axes[0].get_legend()
        assert legend is not None
        return [t.get_text() for t in legend.get_texts()]

    assert "saturation" in saturation([0.2, 0.7, 0.9, 0.5])
    assert "saturation (100%): off the scale" in saturation([0.01, 0.02, 0.01, 0.01])


def test_replications_draw_their_interval_band() -> None:
    band = ([0.5, 1.5, 2.5, 3.5], [1.5, 2.5, 3.5, 4.5])
    series = Timeseries(HOURS, {"latency.post.p99_ms": [1, 2, 3, 4]}, {"latency.post.p99_ms": band})
    (chart,) = charts([("run", series)], 0.0)
    assert any(isinstance(c, PolyCollection) for c in chart.figure.axes[0].collections)
    assert "95 % interval over replications" in chart.caption


def test_several_runs_overlay_in_each_panel_with_a_style_per_run() -> None:
    a, b = _series(commerce__gmv=[1, 2, 3, 4]), _series(commerce__gmv=[2, 3, 4, 5])
    (chart,) = charts([("light", a), ("heavy", b)], 0.0)
    lines = chart.figure.axes[0].get_lines()
    assert [(line.get_label(), line.get_linestyle()) for line in lines] == [
        ("light", "-"),
        ("heavy", "--"),
    ]
    assert "Runs: light solid, heavy dashed." in chart.caption
