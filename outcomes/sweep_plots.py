"""Sweep plots: each parameter against each chosen metric, and the trade-off between two.

A trade-off plot marks the Pareto-efficient points: those no other point beats on both
metrics at once (judged in each metric's better direction), i.e. the settings worth
choosing between, and labels the front's knee: the point farthest from the straight line
between the front's ends (both metrics scaled to the front's range), where giving up a
little of one metric stops buying much of the other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from outcomes.metrics import Direction, better_direction, metric_label
from outcomes.plots import axis_label, file_stem, new_figure
from outcomes.result import Metric

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PlotPoint = tuple[Mapping[str, object], Mapping[str, Metric]]
"""One sweep point as plots see it: its overrides and its metrics."""


def pareto_efficient(
    points: Sequence[tuple[float, float]], directions: tuple[Direction, Direction]
) -> list[bool]:
    """For each (a, b) point: is no other point at least as good on both and better on one?"""
    signs = [1.0 if d == "higher" else -1.0 for d in directions]
    scores = [(a * signs[0], b * signs[1]) for a, b in points]
    return [not any(_dominates(other, mine) for other in scores) for mine in scores]


def knee_point(front: Sequence[tuple[float, float]]) -> int | None:
    """Index of the front's knee (front sorted along the first metric); None for fewer than
    three points or a front with no spread, where no point bends away from the others."""
    if len(front) < 3:
        return None
    xs, ys = zip(*front, strict=True)
    spans = (max(xs) - min(xs), max(ys) - min(ys))
    if 0 in spans:
        return None
    scaled = [((x - min(xs)) / spans[0], (y - min(ys)) / spans[1]) for x, y in front]
    (x0, y0), (x1, y1) = scaled[0], scaled[-1]
    distances = [abs((x1 - x0) * (y0 - y) - (x0 - x) * (y1 - y0)) for x, y in scaled]
    best = max(range(len(scaled)), key=distances.__getitem__)
    return best if distances[best] > 0 else None


SweepFigure = tuple[str, str, "Figure"]
"""(file name, caption, figure) of one sweep plot."""


def sweep_figures(
    points: Sequence[PlotPoint], paths: Sequence[str], metrics: Sequence[str]
) -> list[SweepFigure]:
    """`sweep_<param>__<metric>.png` for each pair and, for two metrics, a trade-off."""
    figures = [
        (
            _plot_name("sweep", path, metric),
            f"{metric_label(metric)} against {path}",
            parameter_figure(points, path, metric),
        )
        for path in paths
        for metric in metrics
    ]
    if len(metrics) == 2:
        a, b = metrics
        caption = f"Trade-off: {metric_label(a)} against {metric_label(b)}, Pareto front and knee"
        figures.append((_plot_name("tradeoff", a, b), caption, tradeoff_figure(points, a, b)))
    return figures


def parameter_figure(points: Sequence[PlotPoint], path: str, metric: str) -> Figure:
    """A metric (mean, 95 % interval) against one parameter; a line per setting of the others."""
    figure, axes = new_figure(f"{metric} vs {path}")
    xs = _positions([overrides[path] for overrides, _ in points])
    groups = _group_by_others(points, path)
    for label, members in groups.items():
        members.sort(key=lambda i: xs[i])
        values = [points[i][1][metric] for i in members]
        axes.errorbar(
            [xs[i] for i in members],
            [m.value for m in values],
            yerr=_error_bars(values),
            marker="o",
            capsize=3,
            label=label or None,
        )
    _label_categories(axes, [overrides[path] for overrides, _ in points], xs)
    axes.set_xlabel(path)
    axes.set_ylabel(axis_label(metric))
    if len(groups) > 1:
        axes.legend(fontsize="small")
    return figure


def tradeoff_figure(points: Sequence[PlotPoint], metric_a: str, metric_b: str) -> Figure:
    """Metric A against metric B for every point, Pareto-efficient points highlighted."""
    figure, axes = new_figure(f"trade-off: {metric_a} vs {metric_b}")
    xy = [(m[metric_a].value, m[metric_b].value) for _, m in points]
    efficient = pareto_efficient(xy, (better_direction(metric_a), better_direction(metric_b)))
    front = sorted(p for p, keep in zip(xy, efficient, strict=True) if keep)
    dominated = [p for p, keep in zip(xy, efficient, strict=True) if not keep]
    if dominated:
        axes.scatter(*zip(*dominated, strict=True), color="tab:gray", label="dominated")
    axes.plot(*zip(*front, strict=True), "o-", color="tab:red", label="Pareto-efficient")
    for (x, y), (overrides, _) in zip(xy, points, strict=True):
        axes.annotate(_point_label(overrides), (x, y), fontsize="x-small", alpha=0.8)
    knee = knee_point(front)
    if knee is not None:
        axes.scatter(*front[knee], s=160, facecolors="none", edgecolors="black", label="knee")
        axes.annotate("knee", front[knee], xytext=(8, -14), textcoords="offset points")
    axes.set_xlabel(axis_label(metric_a))
    axes.set_ylabel(axis_label(metric_b))
    axes.legend(fontsize="small")
    return figure


def _dominates(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] >= b[0] and a[1] >= b[1] and a != b


def _group_by_others(points: Sequence[PlotPoint], path: str) -> dict[str, list[int]]:
    """Point indices grouped by the values of every parameter except `path`."""
    groups: dict[str, list[int]] = {}
    for i, (overrides, _) in enumerate(points):
        groups.setdefault(_point_label(overrides, skip=path), []).append(i)
    return groups


def _point_label(overrides: Mapping[str, object], skip: str = "") -> str:
    return ", ".join(f"{p.rsplit('.', 1)[-1]}={v}" for p, v in overrides.items() if p != skip)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _positions(values: Sequence[object]) -> list[float]:
    """Numbers sit at their value; anything else at its first-seen index on a category axis."""
    if all(_is_number(v) for v in values):
        return [float(v) for v in values]  # type: ignore[arg-type]
    order = {str(v): i for i, v in enumerate(dict.fromkeys(str(v) for v in values))}
    return [float(order[str(v)]) for v in values]


def _label_categories(axes: Axes, values: Sequence[object], xs: Sequence[float]) -> None:
    if not all(_is_number(v) for v in values):
        ticks = dict(zip(xs, (str(v) for v in values), strict=True))
        axes.set_xticks(list(ticks), list(ticks.values()))


def _error_bars(values: Sequence[Metric]) -> list[list[float]]:
    """Distances from each mean down and up to its interval's bounds (0 without one)."""
    below = [m.value - m.ci95[0] if m.ci95 else 0.0 for m in values]
    above = [m.ci95[1] - m.value if m.ci95 else 0.0 for m in values]
    return [below, above]


def _plot_name(kind: str, first: str, second: str) -> str:
    return f"{kind}_{file_stem(first)}__{file_stem(second)}.png"
