"""A fit for people and programs: progress bar, achieved-vs-target table, JSON, file comment."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from outcomes.fit import Candidate, Fit
from outcomes.fit import Progress as CandidateProgress
from outcomes.formatting import metric_value, number

WorkProgress = Callable[[float, float], None]
"""Called with (work done, work to do) of the candidate running: its simulated seconds
over all its replications, as `sim.runner.simulate` reports them."""


@dataclass(frozen=True)
class FitProgress:
    """Where a fit reports: after each candidate, and while one runs its replications."""

    candidates: CandidateProgress
    replications: WorkProgress


@contextmanager
def fit_progress_bar(
    console: Console, enabled: bool, budget: int, replications: int
) -> Iterator[FitProgress | None]:
    """Two bars: candidates run (with the best score so far), and the replications of the
    candidate running; or nothing when disabled."""
    if not enabled:
        yield None
        return
    columns = (
        TextColumn("{task.description:>12}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[unit]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        fitting = bar.add_task("fitting", total=budget, unit="candidates, best score -")
        running = bar.add_task("candidate 1", total=replications, unit="replications")

        def candidate_done(done: int, budget: int, best: Candidate) -> None:
            unit = f"candidates, best score {number(best.score)}"
            bar.update(fitting, completed=done, total=budget, unit=unit)
            bar.reset(running, description=f"candidate {done + 1}")

        def replications_done(done: float, total: float) -> None:
            # drawn now: a replication takes a minute, a terminal should not wait for a tick
            bar.update(running, completed=replications * done / total, refresh=True)

        yield FitProgress(candidate_done, replications_done)


def fit_table(fit: Fit) -> Table:
    """Each target with what the best candidate achieved (95 % interval) and the verdict."""
    table = Table("", "metric", "target", "achieved [95 % CI]", title=_headline(fit))
    for target in fit.targets:
        achieved = fit.achieved(target)
        mark = "[green]MET[/]" if fit.met(target) else "[red]MISSED[/]"
        shown = metric_value(achieved) if achieved is not None else "not reported"
        band = f"{number(target.value)} ± {number(target.tolerance)}"
        table.add_row(mark, escape(target.metric), band, shown)
    values = ", ".join(f"{path}={_value(v)}" for path, v in fit.best.values.items())
    table.caption = escape(f"best of {len(fit.candidates)} candidates: {values}")
    return table


def fit_data(fit: Fit, written: Path) -> dict[str, Any]:
    """The fit as JSON-ready data for `--json`."""
    targets = []
    for target in fit.targets:
        achieved = fit.achieved(target)
        targets.append({
            "metric": target.metric,
            "target": target.value,
            "tolerance": target.tolerance,
            "achieved": achieved.value if achieved is not None else None,
            "ci95": list(achieved.ci95) if achieved and achieved.ci95 else None,
            "met": fit.met(target),
        })  # fmt: skip
    return {
        "met": fit.all_met,
        "values": fit.best.values,
        "targets": targets,
        "candidates": len(fit.candidates),
        "budget": fit.budget,
        "best_score": fit.best.score,
        "fitted": str(written),
    }


def fitted_comment(fit: Fit, overrides: Sequence[str] = ()) -> str:
    """What a fitted line says: `fitted by fanout fit: target M=V±T, achieved A [lo, hi]`."""
    condition = f" with --set {', '.join(overrides)}" if overrides else ""
    parts = []
    for target in fit.targets:
        achieved = fit.achieved(target)
        shown = metric_value(achieved) if achieved is not None else "nothing"
        parts.append(f"target {target}, achieved {shown}")
    return f"fitted by fanout fit{condition}: {'; '.join(parts)}"


def _headline(fit: Fit) -> str:
    met = sum(fit.met(target) for target in fit.targets)
    return f"fanout fit: {met} of {len(fit.targets)} targets met"


def _value(value: object) -> str:
    return number(value) if isinstance(value, float) else str(value)
