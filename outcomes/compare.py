"""Compare runs metric by metric: how far each moved from the first run, and whether it is real.

A change is significant when Welch's t-test on the runs' replicates (both runs kept at least
two) gives a p-value that stays below 0.05 after the Benjamini–Hochberg adjustment over all
metrics compared between the same two runs (so a comparison of fifty metrics does not cry
wolf by chance), otherwise when their 95 % intervals do not overlap. With neither
replicates nor intervals, significance is unknown rather than guessed.

Runs of one replication reach the overlap test with their within-run intervals
(`Metric.interval`): 95 % intervals of the run's own event noise, its population held
fixed. They feed it only between runs that share their population (same seed, same
`population` section), where that noise is all that separates them: at different seeds
the populations differ too, and two seeds of ci-smoke "differed significantly" in 7 to 10
of ~120 metrics (CTR, which follows the population's interests; shares of live paths,
whose joins come in clusters). There significance stays unknown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Literal

from outcomes.metrics import Direction, better_direction
from outcomes.result import Metric, Result, Run
from outcomes.stats import (
    SIGNIFICANCE,
    fdr_adjusted,
    intervals_overlap,
    relative_change,
    welch_p_value,
)

Verdict = Literal["better", "worse", "same", "unknown"]


@dataclass(frozen=True)
class Change:
    """How one run's value of a metric differs from the first run's."""

    absolute: float
    relative: float | None
    p_value: float | None
    """Welch's p-value, None without replicates."""
    q_value: float | None
    """The p-value adjusted for the other metrics of the comparison (Benjamini–Hochberg)."""
    significant: bool | None
    verdict: Verdict
    """'better'/'worse' only for significant changes; 'same' otherwise; 'unknown' when the
    metric has no known direction or the significance cannot be judged."""


@dataclass(frozen=True)
class ComparisonRow:
    metric: str
    unit: str
    values: list[Metric]
    """One per run, in run order."""
    changes: list[Change]
    """One per run after the first, each against the first."""


@dataclass(frozen=True)
class Comparison:
    labels: list[str]
    rows: list[ComparisonRow]


def compare_runs(runs: Sequence[Run], patterns: Sequence[str] = ()) -> Comparison:
    """Rows for every metric all runs share (only those matching a glob in `patterns`, if any).

    Raises ValueError when fewer than two runs are given or nothing is left to compare.
    """
    if len(runs) < 2:
        raise ValueError("compare needs at least two results")
    names = shared_metrics([run.result.metrics for run in runs], patterns)
    if not names:
        wanted = f" matching {', '.join(patterns)}" if patterns else ""
        raise ValueError(f"the results share no metric{wanted}")
    values = {name: [run.result.metrics[name] for run in runs] for name in names}
    tests = [_tests(values, other) for other in range(1, len(runs))]
    paired = [shares_population(runs[0].result, run.result) for run in runs[1:]]
    rows = [_row(name, values[name], [test[name] for test in tests], paired) for name in names]
    return Comparison(labels=[run.label for run in runs], rows=rows)


Test = tuple[float | None, float | None]
"""A metric's Welch p-value between two runs and its q-value (None: no test possible)."""


def _tests(values: dict[str, list[Metric]], other: int) -> dict[str, Test]:
    """Each metric's Welch test between the first run and run `other`, its p-value adjusted
    over all the metrics tested between them as one family."""
    p_values = {name: _welch(runs[0], runs[other]) for name, runs in values.items()}
    tested = [name for name, p_value in p_values.items() if p_value is not None]
    q_values = dict(zip(tested, fdr_adjusted([p_values[n] or 0.0 for n in tested]), strict=True))
    return {name: (p_value, q_values.get(name)) for name, p_value in p_values.items()}


def shared_metrics(metric_maps: Sequence[dict[str, Metric]], patterns: Sequence[str]) -> list[str]:
    """Names present in every map and matching any pattern (all when none), sorted."""
    shared = set.intersection(*(set(m) for m in metric_maps))
    return sorted(n for n in shared if not patterns or any(fnmatchcase(n, p) for p in patterns))


def shares_population(a: Result, b: Result) -> bool:
    """Whether two runs drew the same population: same seed, same `population` section."""
    population = "population"
    return a.seed == b.seed and (
        a.scenario.resolved.get(population) == b.scenario.resolved.get(population)
    )


def change_between(
    base: Metric,
    other: Metric,
    direction: Direction | None,
    test: Test | None = None,
    paired: bool = True,
) -> Change:
    """Absolute and relative change from `base` to `other`, its significance and verdict.

    `test` is the (p, q) pair when the test was adjusted with others (`compare_runs`);
    without it the Welch test is run here and judged alone (q = p). `paired`: the runs
    share their population, so within-run intervals may judge the change.
    """
    if test is None:
        p_alone = _welch(base, other)
        test = (p_alone, p_alone)
    p_value, q_value = test
    significant = _significant(base, other, q_value, paired)
    return Change(
        absolute=other.value - base.value,
        relative=relative_change(base.value, other.value),
        p_value=p_value,
        q_value=q_value,
        significant=significant,
        verdict=_verdict(other.value - base.value, significant, direction),
    )


def _row(name: str, values: list[Metric], tests: list[Test], paired: list[bool]) -> ComparisonRow:
    direction = _direction_or_none(name)
    changes = [
        change_between(values[0], other, direction, test, same)
        for other, test, same in zip(values[1:], tests, paired, strict=True)
    ]
    return ComparisonRow(metric=name, unit=values[0].unit, values=values, changes=changes)


def _direction_or_none(name: str) -> Direction | None:
    try:
        return better_direction(name)
    except ValueError:
        return None


def _welch(a: Metric, b: Metric) -> float | None:
    if a.replicates is None or b.replicates is None:
        return None
    if len(a.replicates) < 2 or len(b.replicates) < 2:
        return None
    return welch_p_value(a.replicates, b.replicates)


def _significant(a: Metric, b: Metric, q_value: float | None, paired: bool) -> bool | None:
    if q_value is not None:
        return q_value < SIGNIFICANCE
    if a.ci95 is None or b.ci95 is None:
        return None
    if not paired and (_within_run(a) or _within_run(b)):
        return None
    return not intervals_overlap(a.ci95, b.ci95)


def _within_run(metric: Metric) -> bool:
    return metric.interval not in (None, "replications")


def _verdict(delta: float, significant: bool | None, direction: Direction | None) -> Verdict:
    if significant is False or delta == 0:
        return "same"
    if significant is None or direction is None:
        return "unknown"
    return "better" if (delta < 0) == (direction == "lower") else "worse"
