"""Comparing runs: changes against the first run, significance, and verdicts by direction."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from outcomes.compare import change_between, compare_runs
from outcomes.result import Metric, Result, Run

if TYPE_CHECKING:
    from conftest import ResultFactory

LATENCY = "latency.timeline_read.p95_ms"
REVENUE = "revenue.total"


def _runs(*results: Result) -> list[Run]:
    return [Run(f"run{i}", Path(f"run{i}"), r) for i, r in enumerate(results)]


def _change(factory: ResultFactory, metric: str, factor: float) -> tuple[bool | None, str]:
    base, other = factory.result(), factory.result(factory.shifted(metric, factor))
    row = next(r for r in compare_runs(_runs(base, other)).rows if r.metric == metric)
    return row.changes[0].significant, row.changes[0].verdict


def test_a_clear_shift_in_replicates_is_significant_for_every_seed(
    seeded_factory: Callable[[int], ResultFactory],
) -> None:
    for seed in range(20):
        assert _change(seeded_factory(seed), LATENCY, 1.15)[0] is True


def test_two_samples_of_one_distribution_are_rarely_called_significant(
    seeded_factory: Callable[[int], ResultFactory],
) -> None:
    """At the 5 % level a few false alarms in twenty comparisons are expected, not more."""
    alarms = sum(_change(seeded_factory(seed), LATENCY, 1.0)[0] is True for seed in range(20))
    assert alarms <= 3


def test_a_latency_rise_is_worse_and_a_revenue_rise_is_better(factory: ResultFactory) -> None:
    assert _change(factory, LATENCY, 1.2)[1] == "worse"
    assert _change(factory, LATENCY, 0.8)[1] == "better"
    assert _change(factory, REVENUE, 1.2)[1] == "better"
    assert _change(factory, REVENUE, 0.8)[1] == "worse"


def test_without_replicates_separated_intervals_are_significant() -> None:
    base = Metric(value=100, unit="ms", ci95=(95, 105))
    assert (
        change_between(base, Metric(value=120, unit="ms", ci95=(115, 125)), "lower").verdict
        == "worse"
    )
    overlapping = change_between(base, Metric(value=104, unit="ms", ci95=(99, 109)), "lower")
    assert (overlapping.significant, overlapping.verdict) == (False, "same")


def _single_run(factory: ResultFactory, seed: int, p95: float) -> Result:
    """A run of one replication whose p95 has a within-run interval of ±5 ms."""
    result = factory.result(replications=1)
    interval = (p95 - 5, p95 + 5)
    result.metrics[LATENCY] = Metric(value=p95, unit="ms", ci95=interval, interval="wilson")
    return result.model_copy(update={"seed": seed})


@pytest.mark.parametrize(("seed", "significant"), [(1, True), (2, None)])
def test_within_run_intervals_judge_a_change_only_between_runs_of_one_population(
    factory: ResultFactory, seed: int, significant: bool | None
) -> None:
    """Same seed: the intervals are the noise between the runs; another seed draws another
    population, whose spread they leave out, so the change stays unknown."""
    runs = _runs(_single_run(factory, 1, 100.0), _single_run(factory, seed, 120.0))
    row = next(r for r in compare_runs(runs).rows if r.metric == LATENCY)
    assert row.changes[0].significant is significant


def test_without_replicates_or_intervals_significance_is_unknown() -> None:
    change = change_between(Metric(value=1, unit="x"), Metric(value=2, unit="x"), "lower")
    assert (change.significant, change.verdict, change.relative) == (None, "unknown", 1.0)


def test_relative_change_is_absent_from_a_zero_base() -> None:
    change = change_between(Metric(value=0, unit="x"), Metric(value=2, unit="x"), "lower")
    assert (change.absolute, change.relative) == (2, None)


def test_rows_cover_only_shared_metrics_matching_the_patterns(factory: ResultFactory) -> None:
    base = factory.result()
    other = factory.result({**factory.metrics, "users.retention_d30": (0.3, 0.01, "ratio")})
    everything = compare_runs(_runs(base, other))
    assert "users.retention_d30" not in [row.metric for row in everything.rows]
    latency = compare_runs(_runs(base, other), ["latency.*"])
    assert [row.metric for row in latency.rows] == sorted(
        name for name in factory.metrics if name.startswith("latency.")
    )


def test_every_later_run_is_compared_with_the_first(factory: ResultFactory) -> None:
    results = [factory.result(factory.shifted(LATENCY, f)) for f in (1.0, 1.1, 1.2)]
    row = next(r for r in compare_runs(_runs(*results)).rows if r.metric == LATENCY)
    assert len(row.values) == 3 and len(row.changes) == 2
    assert 0 < row.changes[0].absolute < row.changes[1].absolute


def test_compare_refuses_one_run_and_patterns_matching_nothing(factory: ResultFactory) -> None:
    with pytest.raises(ValueError, match="at least two results"):
        compare_runs(_runs(factory.result()))
    with pytest.raises(ValueError, match="share no metric matching nope.*"):
        compare_runs(_runs(factory.result(), factory.result()), ["nope.*"])
