"""The simulated push provider, observed: what the platform's pushes met at the provider.

The microblog hands each push to its provider (`microblog.services.push`); in a simulation
that provider is the platform's own simulated one, wrapped here to keep each delivered
push's provider latency and to count failures over the measured window. `push.lag.*` is
that latency: the push workers' queueing is not in it (it shows in `utilization.push`).
"""

from __future__ import annotations

from array import array

import numpy as np
import simpy

from microblog.push_models import PushKind
from microblog.services.push import Payload, Receipt, SimulatedPushProvider

LAG_STATS = (("p50_s", 50.0), ("p99_s", 99.0))


class PushLog:
    """A `PushProvider` that passes sends to the simulated one and keeps their outcomes."""

    def __init__(self, provider: SimulatedPushProvider, env: simpy.Environment) -> None:
        self.provider = provider
        self.env = env
        self.window_start_s = 0.0
        self._lags = array("d")
        self._failed = 0

    def send(self, device: str, kind: PushKind, payload: Payload) -> Receipt:
        receipt = self.provider.send(device, kind, payload)
        if self.env.now >= self.window_start_s:
            if receipt.delivered:
                self._lags.append(receipt.latency_s)
            else:
                self._failed += 1
        return receipt

    def window_opened(self) -> None:
        self.window_start_s = self.env.now
        self._lags = array("d")
        self._failed = 0

    def interval_row(self) -> dict[str, float]:
        return {}

    def metrics(self) -> dict[str, tuple[float, str]]:
        return push_metrics(*self.window_samples())

    def window_samples(self) -> tuple[np.ndarray, int]:
        """The measured window's delivered pushes' latencies and its failed pushes."""
        return np.frombuffer(self._lags, dtype=float).copy(), self._failed


def push_metrics(lags: np.ndarray, failed: int) -> dict[str, tuple[float, str]]:
    """`push.*` of a window's delivered latencies and failures (one run's, or its shards')."""
    found = {
        "push.sent": (float(lags.size + failed), "count"),
        "push.failed": (float(failed), "count"),
    }
    for stat, q in LAG_STATS if lags.size else ():
        found[f"push.lag.{stat}"] = (float(np.percentile(lags, q)), "s")
    return found
