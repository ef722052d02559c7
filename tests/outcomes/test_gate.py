"""The gate: SLOs and direction-aware regression limits; anything unchecked is a failure."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pytest

from outcomes.gate import (
    GateInputError,
    parse_regression_limit,
    regression_checks,
    run_gate,
    worsening,
)

if TYPE_CHECKING:
    from conftest import ResultFactory

LATENCY = "latency.timeline_read.p95_ms"
REVENUE = "revenue.total"


def test_slos_pass_and_fail_on_the_observed_value(factory: ResultFactory) -> None:
    result = factory.result()
    report = run_gate(result, [f"{LATENCY} <= 1000", f"{LATENCY} <= 1"])
    assert [check.passed for check in report.checks] == [True, False]
    assert report.checks[1].observed == result.metrics[LATENCY].value
    assert not report.passed and len(report.failures) == 1


def test_the_scenarios_own_slos_are_checked_once_even_when_repeated_by_a_flag(
    factory: ResultFactory,
) -> None:
    result = factory.result(slos=["errors.rate < 0.5", "users.dau >= 1"])
    report = run_gate(result, ["errors.rate < 0.5"])
    assert [check.name for check in report.checks] == ["errors.rate < 0.5", "users.dau >= 1"]


def test_an_slo_on_a_missing_metric_fails_saying_so(factory: ResultFactory) -> None:
    (check,) = run_gate(factory.result(), ["latency.search.p99_ms < 100"]).checks
    assert not check.passed and check.observed is None
    assert check.message == "latency.search.p99_ms is not in the result"


def test_a_revenue_drop_is_a_regression_and_a_latency_drop_is_not(factory: ResultFactory) -> None:
    baseline = factory.result()
    cheaper_and_faster = factory.result(
        factory.shifted(REVENUE, 0.8, factory.shifted(LATENCY, 0.5))
    )
    report = run_gate(cheaper_and_faster, [], baseline, [f"{LATENCY}=5%", f"{REVENUE}=5%"])
    assert {c.name.split()[0]: c.passed for c in report.checks} == {LATENCY: True, REVENUE: False}


def test_a_latency_rise_beyond_the_limit_fails_and_within_it_passes(factory: ResultFactory) -> None:
    baseline = factory.result()
    slower = factory.result(factory.shifted(LATENCY, 1.5))
    assert not run_gate(slower, [], baseline, [f"{LATENCY}=10%"]).passed
    assert run_gate(slower, [], baseline, [f"{LATENCY}=100%"]).passed


def test_a_glob_limit_checks_every_matching_baseline_metric(factory: ResultFactory) -> None:
    baseline = factory.result()
    checks = regression_checks(factory.result(), baseline, parse_regression_limit("latency.*=50%"))
    assert sorted(c.name.split()[0] for c in checks) == sorted(
        n for n in baseline.metrics if n.startswith("latency.")
    )


def test_a_limit_matching_nothing_or_a_vanished_metric_fails(factory: ResultFactory) -> None:
    baseline = factory.result()
    without_revenue = factory.result({k: v for k, v in factory.metrics.items() if k != REVENUE})
    report = run_gate(without_revenue, [], baseline, ["nope.*=5%", f"{REVENUE}=5%"])
    assert [c.message for c in report.checks] == [
        "pattern 'nope.*' matches no metric in the baseline",
        f"{REVENUE} is in the baseline but not in the result",
    ]


def test_a_metric_without_a_known_direction_fails_rather_than_passes(
    factory: ResultFactory,
) -> None:
    spec = {**factory.metrics, "mood.score": (5.0, 0.1, "points")}
    report = run_gate(factory.result(spec), [], factory.result(spec), ["mood.*=5%"])
    assert not report.passed
    assert "no known better direction" in report.checks[0].message


def test_worsening_from_a_zero_baseline_is_infinite_unless_unchanged() -> None:
    assert worsening("errors.rate", 0.0, 0.01) == math.inf
    assert worsening("errors.rate", 0.0, 0.0) == 0.0
    assert worsening("revenue.total", 0.0, 5.0) == -math.inf


@pytest.mark.parametrize("text", ["latency.*", "latency.*=10", "latency.*=-5%", "=10%"])
def test_malformed_regression_limits_are_bad_input(text: str) -> None:
    with pytest.raises(GateInputError, match="not a regression limit"):
        parse_regression_limit(text)


def test_a_limit_is_a_percentage_of_the_baseline() -> None:
    limit = parse_regression_limit("latency.*.p95_ms = 12.5%")
    assert (limit.pattern, limit.max_worsening) == ("latency.*.p95_ms", 0.125)


def test_inconsistent_or_empty_gates_are_bad_input(factory: ResultFactory) -> None:
    result = factory.result()
    with pytest.raises(GateInputError, match="needs a --baseline"):
        run_gate(result, [], None, ["latency.*=5%"])
    with pytest.raises(GateInputError, match="needs at least one --max-regression"):
        run_gate(result, [], result, [])
    with pytest.raises(GateInputError, match="nothing to check"):
        run_gate(result)
    with pytest.raises(GateInputError, match="not an SLO"):
        run_gate(result, ["latency is fine"])
