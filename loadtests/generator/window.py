"""The measured window of a load test: everything after `loadtest.warmup_s`.

A load test's first seconds measure its own start-up (users spawning, WebSockets opening,
caches filling) rather than the server's steady state, so each Locust process keeps
latency, send lag and work out of its measurements until the window opens, `warmup_s`
after that process's test started. Counts that judge integrity (chat messages, payments,
errors) are not windowed. This module does not import Locust.
"""

from __future__ import annotations


class MeasuredWindow:
    """Opens a warm-up after the test starts; times are epoch seconds, as Locust's are."""

    def __init__(self) -> None:
        self.opens_at: float | None = None
        """None until the test starts."""

    def start(self, now: float, warmup_s: float) -> None:
        self.opens_at = now + warmup_s

    def is_open(self, now: float) -> bool:
        return self.opens_at is not None and now >= self.opens_at

    def measured_s(self, last: float | None) -> float:
        """Seconds from the window's opening to `last` (the last response); 0 if none came."""
        if self.opens_at is None or not last:
            return 0.0
        return max(0.0, last - self.opens_at)
