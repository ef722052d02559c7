"""The server's own counters, read through the operator API before and after a load test.

`GET /admin/stats/fanout` (deliveries so far, lag of recent posts) and `GET /admin/stats/ads`
(every campaign's impressions, clicks and spend together). A server that does not answer
one of them (an older or foreign server under `--host`) leaves its metrics out of the
Result rather than failing the run.
"""

from __future__ import annotations

from typing import TypeVar

import httpx
from pydantic import BaseModel

from loadtests.control.runner import Progress


class FanoutStats(BaseModel):
    """The body of the server's `GET /admin/stats/fanout`."""

    deliveries: int
    posts: int
    lag_p50_s: float | None
    lag_p99_s: float | None
    lag_max_s: float | None
    queue_depth: int | None = None
    """Posts waiting for a fan-out worker (None: not told, by an older server or Redis)."""
    pending: int = 0
    """Posts a fan-out worker took and has not finished."""

    def backlog(self) -> int | None:
        """Posts whose fan-out had not finished, or None when the server cannot tell."""
        return None if self.queue_depth is None else self.queue_depth + self.pending


class AdStats(BaseModel):
    """The body of the server's `GET /admin/stats/ads` (every campaign together)."""

    impressions: int
    clicks: int
    spent: int
    """Fen charged: the platform's ad revenue."""


class ServerStats(BaseModel):
    """The server's counters at one moment (None: not readable)."""

    fanout: FanoutStats | None
    ads: AdStats | None


StatsT = TypeVar("StatsT", FanoutStats, AdStats)


def read_server_stats(client: httpx.Client, progress: Progress) -> ServerStats:
    """The server's fan-out and ad counters now; `client` acts as the operator."""
    return ServerStats(
        fanout=_stats(client, "/admin/stats/fanout", FanoutStats, progress),
        ads=_stats(client, "/admin/stats/ads", AdStats, progress),
    )


def _stats(
    client: httpx.Client, path: str, model: type[StatsT], progress: Progress
) -> StatsT | None:
    response = client.get(path)
    if response.status_code != 200:
        progress(f"no server statistics: GET {path} -> {response.status_code}")
        return None
    return model.model_validate(response.json())
