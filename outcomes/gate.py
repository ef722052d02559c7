"""The CI gate: does a run meet its SLOs, and did it regress against a baseline run?

SLOs come from `--slo` flags and from the scenario the run executed. Regression limits are
`pattern=percent` pairs: every baseline metric matching the glob may worsen by at most that
share, where "worse" is the metric's bad direction from the catalogue (a latency rise, a
revenue drop). Anything a gate was asked to check but cannot is a failed check, never a
silent pass.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Literal

from outcomes.formatting import number
from outcomes.metrics import better_direction
from outcomes.result import Result
from outcomes.slo import Slo, parse_slo

_LIMIT = re.compile(r"^\s*([^=\s]+)\s*=\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*$")


class GateInputError(ValueError):
    """A gate flag or a scenario's SLO list cannot be understood."""


@dataclass(frozen=True)
class Check:
    """One pass/fail verdict with the values behind it."""

    kind: Literal["slo", "regression"]
    name: str
    passed: bool
    observed: float | None
    expected: str
    message: str


@dataclass(frozen=True)
class RegressionLimit:
    pattern: str
    max_worsening: float
    """Largest allowed worsening as a fraction of the baseline value (0.1 = 10 %)."""

    def __str__(self) -> str:
        return f"{self.pattern}={self.max_worsening * 100:g}%"


@dataclass(frozen=True)
class GateReport:
    checks: list[Check]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if not check.passed]


def parse_regression_limit(text: str) -> RegressionLimit:
    """Parse `latency.*.p95_ms=10%` into a glob and a fraction."""
    match = _LIMIT.match(text)
    if not match:
        raise GateInputError(
            f"not a regression limit: {text!r}; expected 'pattern=percent%', "
            "e.g. 'latency.*.p95_ms=10%'"
        )
    return RegressionLimit(match[1], float(match[2]) / 100)


def parse_slos(texts: Sequence[str]) -> list[Slo]:
    """Parse SLO expressions, dropping repeats (a flag may restate the scenario's SLO)."""
    try:
        return list(dict.fromkeys(parse_slo(text) for text in texts))
    except ValueError as exc:
        raise GateInputError(str(exc)) from exc


def run_gate(
    result: Result,
    slos: Sequence[str] = (),
    baseline: Result | None = None,
    limits: Sequence[str] = (),
) -> GateReport:
    """Every check: the given SLOs plus the scenario's, and each limit against the baseline."""
    if limits and baseline is None:
        raise GateInputError("--max-regression needs a --baseline result to compare against")
    if baseline is not None and not limits:
        raise GateInputError("--baseline needs at least one --max-regression limit")
    all_slos = parse_slos([*slos, *result.scenario.resolved.get("slos", [])])
    parsed_limits = [parse_regression_limit(text) for text in limits]
    checks = [slo_check(result, slo) for slo in all_slos]
    if baseline is not None:
        checks += [c for limit in parsed_limits for c in regression_checks(result, baseline, limit)]
    if not checks:
        raise GateInputError(
            "nothing to check: give --slo, or --baseline with --max-regression, "
            "or gate a run whose scenario lists slos"
        )
    return GateReport(checks)


def slo_check(result: Result, slo: Slo) -> Check:
    metric = result.metrics.get(slo.metric)
    expected = f"{slo.op} {slo.threshold:g}"
    if metric is None:
        return Check("slo", str(slo), False, None, expected, f"{slo.metric} is not in the result")
    passed = slo.holds(metric.value)
    verdict = "meets" if passed else "violates"
    message = f"{slo.metric} = {number(metric.value)} {metric.unit} {verdict} {expected}"
    return Check("slo", str(slo), passed, metric.value, expected, message)


def regression_checks(result: Result, baseline: Result, limit: RegressionLimit) -> list[Check]:
    """One check per baseline metric the limit's pattern matches (a failure if none match)."""
    names = sorted(n for n in baseline.metrics if fnmatchcase(n, limit.pattern))
    if not names:
        message = f"pattern {limit.pattern!r} matches no metric in the baseline"
        return [Check("regression", str(limit), False, None, str(limit), message)]
    return [_regression_check(result, baseline, limit, name) for name in names]


def worsening(name: str, base: float, value: float) -> float:
    """How much worse `value` is than `base`, as a fraction of |base| (negative = better).

    From a zero baseline any worsening is infinite, since no ratio exists.
    """
    bad_delta = value - base if better_direction(name) == "lower" else base - value
    if base == 0:
        return 0.0 if bad_delta == 0 else math.copysign(math.inf, bad_delta)
    return bad_delta / abs(base)


def _regression_check(result: Result, baseline: Result, limit: RegressionLimit, name: str) -> Check:
    expected = f"at most {limit.max_worsening * 100:g} % worse than baseline"
    check_name = f"{name} regression <= {limit.max_worsening * 100:g}%"
    base, current = baseline.metrics[name], result.metrics.get(name)
    if current is None:
        message = f"{name} is in the baseline but not in the result"
        return Check("regression", check_name, False, None, expected, message)
    try:
        worse = worsening(name, base.value, current.value)
    except ValueError as exc:
        return Check("regression", check_name, False, current.value, expected, str(exc))
    passed = worse <= limit.max_worsening
    message = (
        f"{name}: {number(base.value)} -> {number(current.value)} {current.unit}, "
        f"{_worsening_words(worse)} (limit {limit.max_worsening * 100:g} % worse)"
    )
    return Check("regression", check_name, passed, current.value, expected, message)


def _worsening_words(worse: float) -> str:
    if worse == 0:
        return "unchanged"
    return f"{abs(worse) * 100:.1f} % {'worse' if worse > 0 else 'better'}"
