"""A fit for people and programs: progress bar, achieved-vs-target table, JSON, file comment."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from outcomes.fit import Candidate, Fit
from outcomes.fit import Progress as ProgressCallback
from outcomes.formatting import metric_value, number


@contextmanager
def fit_progress_bar(
    console: Console, enabled: bool, budget: int
) -> Iterator[ProgressCallback | None]:
    """A bar of candidates run with the best score so far, or nothing when disabled."""
    if not enabled:
        yield None
        return
    columns = (
        TextColumn("fitting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("candidates, best score {task.fields[best]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("fit", total=budget, best="-")

        def advance(done: int, budget: int, best: Candidate) -> None:
            bar.update(task, completed=done, total=budget, best=number(best.score))

        yield advance


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
