"""`fanout fit`: the simulator as the black box of outcomes.fit, and the fitted scenario file.

Everything a fit is told is checked before the first candidate runs (targets, ranges
against the scenario schema, the scenario at both corners of the ranges), because a typo
found after twenty simulations wastes them. Candidates share the seed (common random
numbers: each candidate meets the same populations), so the differences the optimiser
sees come from the fields it varies, not from the draw.

Candidates run one after another, since each is chosen from the ones before; with more
than one job a candidate's replications run at once as Ray tasks (`sim.shards.executor`,
as `fanout run --jobs` runs them) on one local cluster kept for the whole fit, as it takes
seconds to start. A replication's metrics do not depend on where it ran, so neither does
the fit: the same seed gives the same fit whatever the number of jobs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from outcomes.fit import (
    DEFAULT_REPLICATIONS,
    CandidateRunner,
    Fit,
    Span,
    Target,
    parse_span,
    parse_target,
    search,
)
from outcomes.fit_render import FitProgress, fitted_comment
from outcomes.result import Result
from outcomes.sweep import Overrides
from scenario import load_scenario
from scenario.annotated_write import write_annotated
from scenario.numeric import check_range, numeric_field
from sim.runner import Parallelism, Progress
from sim.sweep import FixedOverride, simulate_with


@dataclass(frozen=True)
class FitRequest:
    """What `fanout fit` was asked, as typed: the scenario, targets, ranges and limits."""

    scenario_file: str
    targets: Sequence[str]
    varies: Sequence[str]
    budget: int
    out: Path
    replications: int = DEFAULT_REPLICATIONS
    seed: int | None = None
    jobs: int = 1
    """Replications of a candidate run at once (1: one after another, in this process)."""
    overrides: Sequence[str] = ()


@dataclass(frozen=True)
class PreparedFit:
    """A checked request: parsed targets and ranges, and the overrides every candidate gets."""

    request: FitRequest
    targets: list[Target]
    spans: list[Span]
    fixed: list[FixedOverride] = field(default_factory=list)


def prepare_fit(request: FitRequest) -> PreparedFit:
    """Check the request; raises ValueError (a ScenarioError for the scenario) naming
    the bad target, range or field."""
    targets = [parse_target(text) for text in request.targets]
    spans = [_span(text) for text in request.varies]
    fixed: list[FixedOverride] = [*request.overrides, ("replications", request.replications)]
    if request.seed is not None:
        fixed.append(("seed", request.seed))
    load_scenario(request.scenario_file, fixed)  # type: ignore[arg-type]  # as given
    lows = [(span.path, _whole(span, span.low)) for span in spans]
    highs = [(span.path, _whole(span, span.high)) for span in spans]
    for corner in (lows, highs):  # the scenario must hold at both corners of the ranges
        load_scenario(request.scenario_file, [*fixed, *corner])  # type: ignore[list-item]
    if not request.out.parent.is_dir():
        raise ValueError(f"{request.out}: no such directory to write the fitted scenario in")
    return PreparedFit(request, targets, spans, fixed)


def run_fit(prepared: PreparedFit, progress: FitProgress | None = None) -> Fit:
    """Search the ranges for the values that meet the targets (outcomes.fit.search)."""
    request = prepared.request
    jobs = min(request.jobs, request.replications)  # more would wait for nothing
    replications = None if progress is None else progress.replications
    runner = candidate_runner(request.scenario_file, prepared.fixed, jobs, replications)
    candidates = None if progress is None else progress.candidates
    with _workers(jobs):
        return search(prepared.spans, prepared.targets, runner, request.budget, candidates)


def write_fitted(prepared: PreparedFit, fit: Fit) -> Path:
    """The input scenario file with the best candidate's values set, each line commented
    with the targets and what they achieved."""
    comment = fitted_comment(fit, prepared.request.overrides)
    changes = {path: (value, comment) for path, value in fit.best.values.items()}
    request = prepared.request
    # a scenario of its own, named after its file: its runs' results do not take the input's
    # name, and a fitted file beside the shipped ones validates like them
    changes["name"] = (request.out.stem, "fitted by fanout fit, named after its file")
    return write_annotated(Path(request.scenario_file), changes, request.out)


def fitted_path(scenario_file: str) -> Path:
    """Where a fit writes by default: `baseline-fitted.yaml` beside `baseline.yaml`, so the
    scenario's relative paths (an edge list, a calibration) still hold."""
    source = Path(scenario_file)
    return source.with_name(f"{source.stem}-fitted.yaml")


def run_candidate(
    scenario_file: str,
    fixed: Sequence[FixedOverride],
    parallel: Parallelism | None,
    progress: Progress | None,
    values: Overrides,
) -> Result:
    """One candidate: every replication of the scenario with its values set."""
    return simulate_with(scenario_file, fixed, values, progress, parallel).result


def candidate_runner(
    scenario_file: str,
    fixed: Sequence[FixedOverride],
    jobs: int = 1,
    progress: Progress | None = None,
) -> CandidateRunner:
    """Runs a candidate's replications `jobs` at once, reporting their progress."""
    parallel = Parallelism(jobs=jobs) if jobs > 1 else None
    return partial(run_candidate, scenario_file, tuple(fixed), parallel, progress)


@contextmanager
def _workers(jobs: int) -> Iterator[None]:
    """The local Ray cluster every candidate's replications share, when they run at once."""
    if jobs == 1:
        yield
        return
    from sim.shards.executor import cluster  # imports Ray: only when asked

    with cluster(None, jobs):
        yield


def _span(text: str) -> Span:
    path, low, high = parse_span(text)
    found = numeric_field(path)
    check_range(found, low, high)
    return Span(path, low, high, found.integer)


def _whole(span: Span, value: float) -> Any:
    """A range end as the field holds it (a whole number for an int field)."""
    return int(value) if span.integer else value
