"""What `fanout run` shows on a terminal while it runs: a bar of simulated hours done.

The summary at the end is the report's first screen (outcomes.headline_render).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from sim.arrivals import SECONDS_PER_HOUR
from sim.runner import Progress as ProgressCallback


@contextmanager
def progress_bar(console: Console, enabled: bool) -> Iterator[ProgressCallback | None]:
    """A bar of simulated hours done, or nothing when disabled (not a terminal, --quiet)."""
    if not enabled:
        yield None
        return
    columns = (
        TextColumn("simulating"),
        BarColumn(),
        TextColumn("{task.fields[hours]:.1f} of {task.fields[total_hours]:.1f} simulated h"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("run", total=1.0, hours=0.0, total_hours=0.0)

        def advance(done_s: float, total_s: float) -> None:
            hours, total_hours = done_s / SECONDS_PER_HOUR, total_s / SECONDS_PER_HOUR
            bar.update(task, completed=done_s / total_s, hours=hours, total_hours=total_hours)

        yield advance
