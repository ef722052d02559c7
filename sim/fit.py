"""`fanout fit`: the simulator as the black box of outcomes.fit, and the fitted scenario file.

Everything a fit is told is checked before the first candidate runs (targets, ranges
against the scenario schema, the scenario at both corners of the ranges), because a typo
found after twenty simulations wastes them. Candidates share the seed (common random
numbers: each candidate meets the same populations), so the differences the optimiser
sees come from the fields it varies, not from the draw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from outcomes.fit import (
    DEFAULT_REPLICATIONS,
    CandidateRunner,
    Fit,
    Progress,
    Span,
    Target,
    parse_span,
    parse_target,
    search,
)
from outcomes.fit_render import fitted_comment
from outcomes.result import Result
from outcomes.sweep import Overrides
from scenario import load_scenario
from scenario.annotated_write import write_annotated
from scenario.numeric import check_range, numeric_field
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
    overrides: Sequence[str] = ()


@dataclass(frozen=True)
class PreparedFit:
    """A checked request: parsed targets and ranges, and the overrides every candidate gets."""

    request: FitRequest
    targets: list[Target]
    spans: list[Span]
    seed: int
    fixed: list[FixedOverride] = field(default_factory=list)


def prepare_fit(request: FitRequest) -> PreparedFit:
    """Check the request; raises ValueError (a ScenarioError for the scenario) naming
    the bad target, range or field."""
    targets = [parse_target(text) for text in request.targets]
    spans = [_span(text) for text in request.varies]
    fixed: list[FixedOverride] = [*request.overrides, ("replications", request.replications)]
    if request.seed is not None:
        fixed.append(("seed", request.seed))
    scenario = load_scenario(request.scenario_file, fixed)  # type: ignore[arg-type]
    lows = [(span.path, _whole(span, span.low)) for span in spans]
    highs = [(span.path, _whole(span, span.high)) for span in spans]
    for corner in (lows, highs):  # the scenario must hold at both corners of the ranges
        load_scenario(request.scenario_file, [*fixed, *corner])  # type: ignore[list-item]
    if not request.out.parent.is_dir():
        raise ValueError(f"{request.out}: no such directory to write the fitted scenario in")
    return PreparedFit(request, targets, spans, scenario.seed, fixed)


def run_fit(prepared: PreparedFit, progress: Progress | None = None) -> Fit:
    """Search the ranges for the values that meet the targets (outcomes.fit.search)."""
    request = prepared.request
    runner = candidate_runner(request.scenario_file, prepared.fixed)
    return search(
        prepared.spans, prepared.targets, runner, request.budget, prepared.seed, request.jobs,
        progress,
    )  # fmt: skip


def write_fitted(prepared: PreparedFit, fit: Fit) -> Path:
    """The input scenario file with the best candidate's values set, each line commented
    with the targets and what they achieved."""
    comment = fitted_comment(fit, prepared.request.overrides)
    changes = {path: (value, comment) for path, value in fit.best.values.items()}
    request = prepared.request
    return write_annotated(Path(request.scenario_file), changes, request.out)


def run_candidate(scenario_file: str, fixed: Sequence[FixedOverride], values: Overrides) -> Result:
    """One candidate: every replication of the scenario with its values set."""
    return simulate_with(scenario_file, fixed, values).result


def candidate_runner(scenario_file: str, fixed: Sequence[FixedOverride]) -> CandidateRunner:
    return partial(run_candidate, scenario_file, tuple(fixed))


def _span(text: str) -> Span:
    path, low, high = parse_span(text)
    found = numeric_field(path)
    check_range(found, low, high)
    return Span(path, low, high, found.integer)


def _whole(span: Span, value: float) -> Any:
    """A range end as the field holds it (a whole number for an int field)."""
    return int(value) if span.integer else value
