"""Fit scenario fields to target metrics: a short search over a costly, noisy black box.

`--target revenue.share.ads=0.67±0.03 --vary economy.ads.load=0.02..0.3` asks for the
field values whose run lands each target metric within its tolerance. Each candidate is
scored on the mean of its replications: the sum over targets of the squared miss measured
in tolerances, so targets in different units weigh alike and 1 is the edge of every band.
The search stops once the best candidate meets every target with its whole 95 % interval.

A candidate costs minutes (a baseline replication is about one), so what counts is how
many candidates the search needs. It is SciPy's Powell method, bounded, on the ranges
scaled to the unit cube and started at their middle: line searches by Brent's method,
whose parabolas through the last three candidates land near a smooth minimum in a step or
two. Measured on a stand-in for issue 23's acceptance fit (ads share kL / (kL + 1), k =
25.09 from a baseline run, 0.6618 at load 0.078; three replicates each with Gaussian noise
of sd 0.004; target 0.67±0.03, a band 8 % of the range; budget 20; 40 noise seeds),
candidates until the whole interval lay in the band, median / 90th percentile:
- Powell: 4 / 6, all 40 (with noise sd 0.01, when the interval fills most of the band:
  6 / 9, 35 of 40);
- Optuna's TPE with 7 random startup candidates (a third of the budget, our first
  choice): 11 / 16, 39 of 40; with 1 to 4 startup candidates still 10-11 / 13-14 (sd
  0.01: 11-12 / 13-14, 25-30 of 40). TPE ranks candidates and draws near the best, so it
  closes in on a narrow band slowly however it starts; random draws: 8 / 17, 32 of 40.
The real fit's first candidate (load 0.16, three replications) had a share of 0.754, not
the stand-in's 0.80: refitted through both runs (kL^0.624 / (kL^0.624 + 1), k = 9.59),
Powell needs 4 / 4 (sd 0.01: 4 / 7, 38 of 40): loads 0.16, 0.127, 0.193, then 0.0861,
where a run with seed 7 has a share of 0.666.
Optuna's GPSampler would model the objective as Powell's parabolas do, but it needs
PyTorch, which from PyPI brings its CUDA libraries (cuBLAS, cuDNN, NCCL and a dozen more:
gigabytes) to machines with no GPU: too much for one command.

Powell is a local method, and the noise: candidates share the seed (common random
numbers, sim/fit.py), so the objective is the fields' smooth effect plus a jitter of
about a replication's spread. Brent's steps stay longer than that jitter until they are
inside the band, and a target whose whole interval fits in its band has a band several
spreads wide, so the search stops before it could chase noise. Candidates lie on a grid a
thousandth of each range apart (RESOLUTION), so a point asked for again is not run again.
Out of reach, Powell closes in on the end of the range nearest the target and stops there
without spending the whole budget.

Like a sweep, the engine does not know how to run a scenario: it is handed a runner, and
given the runner's results the search is deterministic.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field

from outcomes.metrics import CATALOGUE
from outcomes.result import Metric, Result
from outcomes.sweep import Overrides

DEFAULT_REPLICATIONS = 3
"""Replications per candidate: the fewest whose 95 % interval (Student's t, 2 degrees of
freedom) is narrow enough to tell a target met from one missed by luck."""

CandidateRunner = Callable[[Overrides], Result]
"""Runs the scenario with the candidate's dotted-path values applied (every replication)."""

RESOLUTION = 1e-3
"""The shortest step Powell's line searches take, as a share of each range: candidates a
thousandth of a range apart differ more by noise than by their values, and cost as much."""

UNREPORTED_SCORE = 1e12
"""What Powell is told of a candidate that lacks a target metric (its score is infinite):
worse than a miss by a million tolerances, yet finite, since Brent's parabolas
through an infinite point would give no step at all."""

_TARGET = re.compile(r"\s*(?P<metric>[^=\s]+)\s*=\s*(?P<value>.+?)\s*(?:±|\+-)\s*(?P<tol>.+?)\s*")
_SPAN = re.compile(r"\s*(?P<path>[A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(?P<low>.+?)\s*\.\.\s*(?P<high>.+)")


@dataclass(frozen=True)
class Target:
    """A metric the fit must bring to `value`, give or take `tolerance`."""

    metric: str
    value: float
    tolerance: float

    def miss(self, achieved: float) -> float:
        """How far `achieved` is from the value, in tolerances (±1 is the band's edge)."""
        return (achieved - self.value) / self.tolerance

    def met_by(self, achieved: Metric) -> bool:
        return abs(self.miss(achieved.value)) <= 1

    def surely_met_by(self, achieved: Metric) -> bool:
        """Met by the whole 95 % interval, not only by the mean (no interval: not sure)."""
        return achieved.ci95 is not None and all(abs(self.miss(end)) <= 1 for end in achieved.ci95)

    def __str__(self) -> str:
        return f"{self.metric}={self.value:g}±{self.tolerance:g}"


@dataclass(frozen=True)
class Span:
    """A scenario field the fit may set, and the closed range it searches."""

    path: str
    low: float
    high: float
    integer: bool = False

    def at(self, share: float) -> float | int:
        """The value `share` of the way from low to high (Powell searches the unit cube,
        so ranges of different widths are stepped alike), on a grid of RESOLUTION steps
        so that a point asked for again, give or take rounding, is the same candidate; a
        whole number for an int field."""
        grid = round(1 / RESOLUTION)
        steps = min(max(round(share * grid), 0), grid)
        value = self.low + (self.high - self.low) * steps / grid
        return round(value) if self.integer else float(f"{value:.12g}")  # 0.16, not 0.1599…98


@dataclass(frozen=True)
class Candidate:
    """One tried set of field values, its run and its score (lower is better)."""

    number: int
    values: Overrides
    result: Result
    score: float


@dataclass(frozen=True)
class Fit:
    """Every candidate tried and the best of them, judged against the targets."""

    targets: list[Target]
    spans: list[Span]
    candidates: list[Candidate]
    budget: int

    @property
    def best(self) -> Candidate:
        """The lowest score; the earliest candidate wins a tie."""
        return min(self.candidates, key=lambda candidate: candidate.score)

    def achieved(self, target: Target) -> Metric | None:
        return self.best.result.metrics.get(target.metric)

    def met(self, target: Target) -> bool:
        achieved = self.achieved(target)
        return achieved is not None and target.met_by(achieved)

    @property
    def all_met(self) -> bool:
        return all(self.met(target) for target in self.targets)


class FitInputError(ValueError):
    """A target, range or metric the fit cannot work with; the message names it."""


Progress = Callable[[int, int, Candidate], None]
"""Called after each candidate with (candidates run, budget, best candidate so far)."""


def parse_target(text: str) -> Target:
    """Parse `METRIC=VALUE±TOL` (or `+-`); the metric must be a catalogued name."""
    match = _TARGET.fullmatch(text)
    if match is None:
        raise FitInputError(
            f"not a target: {text!r}; expected METRIC=VALUE±TOL, e.g. ads.ctr=0.02±0.002"
        )
    metric = match["metric"]
    if metric not in CATALOGUE:
        close = difflib.get_close_matches(metric, list(CATALOGUE), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else " (names in docs/metrics.md)"
        raise FitInputError(f"target {text!r}: unknown metric {metric!r}{hint}")
    value, tolerance = _number(text, match["value"]), _number(text, match["tol"])
    if tolerance <= 0:
        raise FitInputError(f"target {text!r}: tolerance must be above 0, got {tolerance:g}")
    return Target(metric, value, tolerance)


def parse_span(text: str) -> tuple[str, float, float]:
    """Parse `dotted.path=LOW..HIGH` into its parts; the schema checks the field."""
    match = _SPAN.fullmatch(text)
    if match is None:
        raise FitInputError(
            f"not a range: {text!r}; expected PATH=LOW..HIGH, e.g. economy.ads.load=0.02..0.3"
        )
    return match["path"], _number(text, match["low"]), _number(text, match["high"])


def search(
    spans: Sequence[Span],
    targets: Sequence[Target],
    runner: CandidateRunner,
    budget: int,
    progress: Progress | None = None,
) -> Fit:
    """Run up to `budget` candidates and keep the best; stop early once the best meets
    every target with its whole 95 % interval (a mean inside the band may be luck), or
    when Powell's steps no longer improve on the best (a target out of reach)."""
    _check_distinct([span.path for span in spans], "field is varied")
    _check_distinct([target.metric for target in targets], "metric is targeted")
    if budget < 1:
        raise FitInputError(f"budget must be at least 1, got {budget}")
    from scipy.optimize import minimize  # imported on use, as every CLI command loads this

    fit = Fit(list(targets), list(spans), [], budget)
    middle = [0.5] * len(spans)
    with suppress(_Settled):
        minimize(
            _Objective(fit, runner, progress), middle, method="Powell",
            bounds=[(0.0, 1.0)] * len(spans), options={"xtol": RESOLUTION},
        )  # fmt: skip
    return fit


class _Settled(Exception):
    """Ends the search from inside the optimiser: every target surely met, or no budget left."""


@dataclass
class _Objective:
    """What Powell minimises: a point of the unit cube, run as a candidate and scored.

    A point it asks for again (its last step re-evaluates one) is answered from the
    candidates already run, not run twice."""

    fit: Fit
    runner: CandidateRunner
    progress: Progress | None
    scores: dict[tuple[object, ...], float] = field(default_factory=dict)

    def __call__(self, point: Sequence[float]) -> float:
        values: Overrides = {
            span.path: span.at(u) for span, u in zip(self.fit.spans, point, strict=True)
        }
        key = tuple(values.values())
        if key not in self.scores:
            self.scores[key] = min(self._run(values), UNREPORTED_SCORE)
        return self.scores[key]

    def _run(self, values: Overrides) -> float:
        fit = self.fit
        result = self.runner(values)
        candidate = Candidate(len(fit.candidates), values, result, score(fit.targets, result))
        fit.candidates.append(candidate)
        if self.progress is not None:
            self.progress(len(fit.candidates), fit.budget, fit.best)
        _check_reported(fit)
        if len(fit.candidates) == fit.budget or _surely_met(fit):
            raise _Settled
        return candidate.score


def score(targets: Sequence[Target], result: Result) -> float:
    """Sum of squared misses in tolerances; infinite when a target metric is missing."""
    metrics = result.metrics
    if any(target.metric not in metrics for target in targets):
        return math.inf
    return sum(target.miss(metrics[target.metric].value) ** 2 for target in targets)


def _surely_met(fit: Fit) -> bool:
    if not fit.candidates:
        return False
    metrics = fit.best.result.metrics
    return all(t.metric in metrics and t.surely_met_by(metrics[t.metric]) for t in fit.targets)


def _check_reported(fit: Fit) -> None:
    """A catalogued metric these runs never report (a load-test one) cannot be fitted:
    say so after the first candidate instead of spending the budget."""
    reported = set.union(*(set(c.result.metrics) for c in fit.candidates))
    missing = [t.metric for t in fit.targets if t.metric not in reported]
    if missing:
        raise FitInputError(f"the runs report no metric {', '.join(missing)}; it cannot be fitted")


def _check_distinct(names: list[str], what: str) -> None:
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise FitInputError(f"a {what} twice: {', '.join(twice)}")


def _number(spec: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise FitInputError(f"{spec!r}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise FitInputError(f"{spec!r}: {text!r} is not a finite number")
    return value
