"""The external payment gateway top-ups go through, and a seeded simulation of it.

The platform waits at most `timeout_ms` for a charge. A charge still running then is not
lost: the gateway settles it later and calls back (`late callbacks`), and the platform
applies that callback once. Latency and failures come from an injected seeded generator
and time passes through an injected `sleep`, so tests and the simulator stay fast and
reproducible (the simulator's `sleep` can record the delay instead of blocking).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import numpy as np

from microblog.money_config import GatewayConfig
from microblog.money_models import TopUpChannel
from microblog.services.context import Clock


class GatewayReply(StrEnum):
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    TIMED_OUT = "timed_out"
    """The platform stopped waiting; a late callback will settle the charge."""


@dataclass(frozen=True, slots=True)
class LateCallback:
    """The gateway's eventual answer to a charge the platform stopped waiting for."""

    topup_id: int
    confirmed: bool
    due_at: float


class Gateway(Protocol):
    def charge(self, topup_id: int, amount_fen: int, channel: TopUpChannel) -> GatewayReply:
        """Take the money from the user's bank or wallet, waiting at most the timeout."""
        ...

    def due_callbacks(self) -> list[LateCallback]:
        """Late callbacks whose time has come (each returned once)."""
        ...


class SimulatedGateway:
    """Exponential latency with the configured mean; declines at the configured rate."""

    def __init__(
        self,
        config: GatewayConfig,
        rng: np.random.Generator,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Clock = time.time,
    ) -> None:
        self.config = config
        self.rng = rng
        self.sleep = sleep
        self.clock = clock
        self._lock = threading.Lock()  # numpy generators are not thread-safe
        self._late: list[LateCallback] = []

    def charge(self, topup_id: int, amount_fen: int, channel: TopUpChannel) -> GatewayReply:
        started = self.clock()
        with self._lock:
            latency_s = float(self.rng.exponential(self.config.latency_ms)) / 1000
            declined = bool(self.rng.random() < self.config.failure_rate)
        timeout_s = self.config.timeout_ms / 1000
        if latency_s > timeout_s:
            with self._lock:
                self._late.append(LateCallback(topup_id, not declined, started + latency_s))
            self.sleep(timeout_s)
            return GatewayReply.TIMED_OUT
        self.sleep(latency_s)
        return GatewayReply.DECLINED if declined else GatewayReply.CONFIRMED

    def pending_callbacks(self) -> list[LateCallback]:
        """Late callbacks not yet due, in the order the charges timed out (the simulator
        schedules each one's delivery at its `due_at`)."""
        with self._lock:
            return list(self._late)

    def due_callbacks(self) -> list[LateCallback]:
        now = self.clock()
        with self._lock:
            due = [c for c in self._late if c.due_at <= now]
            self._late = [c for c in self._late if c.due_at > now]
        return due


def default_gateway(config: GatewayConfig, clock: Clock) -> SimulatedGateway:
    """The server's gateway: seeded from the config, sleeping in real time."""
    return SimulatedGateway(config, np.random.default_rng(config.seed), clock=clock)
