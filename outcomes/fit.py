"""Fit scenario fields to target metrics: a seeded search over a noisy black box.

`--target revenue.share.ads=0.67±0.03 --vary economy.ads.load=0.02..0.3` asks for the
field values whose run lands each target metric within its tolerance. A run is a noisy
function of its fields (every replication draws its own population), so the search uses
Optuna's TPE sampler, which ranks candidates by their score and needs no gradient, rather
than a local method that would chase the noise. Each candidate is scored on the mean of
its replications: the sum over targets of the squared miss measured in tolerances, so
targets in different units weigh alike and 1 is the edge of every band.

Like a sweep, the engine does not know how to run a scenario: it is handed a runner, and
candidates run in worker processes when more than one job is allowed. Given the seed and
the number of jobs (candidates are proposed a batch of `jobs` at a time), a fit is
reproducible.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from outcomes.metrics import CATALOGUE
from outcomes.result import Metric, Result
from outcomes.sweep import Overrides

if TYPE_CHECKING:
    import optuna
    from optuna.distributions import BaseDistribution

DEFAULT_REPLICATIONS = 3
"""Replications per candidate: the fewest whose 95 % interval (Student's t, 2 degrees of
freedom) is narrow enough to tell a target met from one missed by luck."""

CandidateRunner = Callable[[Overrides], Result]
"""Runs the scenario with the candidate's dotted-path values applied (every replication).
Must be a module-level callable so worker processes can unpickle it."""

RANDOM_SHARE = 1 / 3
"""Share of the budget spent on random candidates before TPE models where the good ones
lie. Optuna's default (10 whatever the budget) would leave a budget of 10 no modelled
candidate at all; a third keeps a budget of 20 mostly guided."""

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

    def distribution(self) -> BaseDistribution:
        from optuna.distributions import FloatDistribution, IntDistribution  # see _study

        if self.integer:
            return IntDistribution(int(self.low), int(self.high))
        return FloatDistribution(self.low, self.high)


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
    seed: int,
    jobs: int = 1,
    progress: Progress | None = None,
) -> Fit:
    """Run up to `budget` candidates and keep the best; stop early once the best meets
    every target with its whole 95 % interval (a mean inside the band may be luck)."""
    _check_distinct([span.path for span in spans], "field is varied")
    _check_distinct([target.metric for target in targets], "metric is targeted")
    if budget < 1 or jobs < 1:
        raise FitInputError(f"budget and jobs must be at least 1, got {budget} and {jobs}")
    study = _study(seed, budget)
    space = {span.path: span.distribution() for span in spans}
    fit = Fit(list(targets), list(spans), [], budget)
    with _executor(jobs) as pool:
        while len(fit.candidates) < budget and not _surely_met(fit):
            trials = [study.ask(space) for _ in range(min(jobs, budget - len(fit.candidates)))]
            values = [dict(trial.params) for trial in trials]
            results = pool.map(runner, values) if pool is not None else map(runner, values)
            for trial, params, result in zip(trials, values, results, strict=True):
                candidate = Candidate(trial.number, params, result, score(targets, result))
                study.tell(trial, candidate.score)
                fit.candidates.append(candidate)
                if progress is not None:
                    progress(len(fit.candidates), budget, fit.best)
            _check_reported(fit)
    return fit


def score(targets: Sequence[Target], result: Result) -> float:
    """Sum of squared misses in tolerances; infinite when a target metric is missing."""
    metrics = result.metrics
    if any(target.metric not in metrics for target in targets):
        return math.inf
    return sum(target.miss(metrics[target.metric].value) ** 2 for target in targets)


def _study(seed: int, budget: int) -> optuna.Study:
    import optuna  # imported on use: ~1.5 s, and every CLI command loads this module

    optuna.logging.set_verbosity(optuna.logging.WARNING)  # our bar shows progress, not its log
    startup = max(1, math.ceil(budget * RANDOM_SHARE))
    sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=startup)
    return optuna.create_study(direction="minimize", sampler=sampler)


@contextmanager
def _executor(jobs: int) -> Iterator[Executor | None]:
    """Worker processes for more than one job; none (run in this process) for one."""
    if jobs == 1:
        yield None
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield pool


def _surely_met(fit: Fit) -> bool:
    if not fit.candidates:
        return False
    metrics = fit.best.result.metrics
    return all(t.metric in metrics and t.surely_met_by(metrics[t.metric]) for t in fit.targets)


def _check_reported(fit: Fit) -> None:
    """A catalogued metric these runs never report (a load-test one) cannot be fitted:
    say so after the first batch instead of spending the budget."""
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
