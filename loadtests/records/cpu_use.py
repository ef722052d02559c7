"""How busy the load generator's own processes were: is the generator, not the server,
the bottleneck? Each Locust process that runs users samples its CPU use (psutil, percent
of one core) once a second after the warm-up; the master adds the workers' samples up. A
generator near 100 % of a core delays its users' requests and inflates the latency it
reports (Locust warns at 90 %)."""

from __future__ import annotations

from pydantic import BaseModel


class CpuUse(BaseModel):
    """Samples of one or more processes' CPU use, in percent of one core."""

    samples: int = 0
    total_pct: float = 0.0
    max_pct: float = 0.0

    def record(self, percent: float) -> None:
        self.samples += 1
        self.total_pct += percent
        self.max_pct = max(self.max_pct, percent)

    def merge(self, other: CpuUse) -> None:
        """Add another process's samples."""
        self.samples += other.samples
        self.total_pct += other.total_pct
        self.max_pct = max(self.max_pct, other.max_pct)

    def take(self) -> CpuUse:
        """Everything sampled so far, leaving this record empty (a worker's report)."""
        taken = self.model_copy()
        self.samples, self.total_pct, self.max_pct = 0, 0.0, 0.0
        return taken

    @property
    def mean_pct(self) -> float | None:
        """Mean use of a generating process; None before any sample."""
        return self.total_pct / self.samples if self.samples else None
