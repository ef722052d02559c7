"""The pushes a load test's phones were sent, as the `push.*` metrics the simulator reports.

The server keeps no platform-wide push counter, so once the test is over every seeded
account on the mobile app reads its own session's outbox (`GET /me/push`, page by page,
newest first, up to the test's start). The pushes made during the test (warm-up
included, as `fanout.deliveries` are; the seeding's posts excluded) give `push.sent`,
those the simulated provider failed `push.failed`, and the provider's latency of the
delivered ones (delivered_at - created_at) `push.lag.p50_s` and `push.lag.p99_s`.
"""

from __future__ import annotations

import httpx
import numpy as np
from pydantic import BaseModel

from loadtests.control.runner import Progress
from loadtests.records.seeded import SeededPopulation
from outcomes.result import Metric

PAGE = 100
"""Pushes asked for per outbox page (the server may return fewer: `push.max_outbox_page`)."""
LAG_STATS = (("p50_s", 50.0), ("p99_s", 99.0))


class Pushed(BaseModel):
    """What the metrics read of one push in an outbox page."""

    created_at: float
    delivered_at: float | None


def read_pushes(
    client: httpx.Client, population: SeededPopulation, since: float, progress: Progress
) -> list[Pushed] | None:
    """Every push made since `since` to the seeded mobile sessions (None when a read fails)."""
    mobile = population.mobile or [False] * len(population.tokens)  # none seeded on phones
    phones = [token for token, on_phone in zip(population.tokens, mobile, strict=True) if on_phone]
    progress(f"reading the push outboxes of {len(phones)} phones")
    found: list[Pushed] = []
    for token in phones:
        outbox = _outbox_since(client, token, since)
        if outbox is None:
            progress("no push statistics: a phone's GET /me/push failed")
            return None
        found += outbox
    return found


def _outbox_since(client: httpx.Client, token: str, since: float) -> list[Pushed] | None:
    headers = {"Authorization": f"Bearer {token}"}
    params: dict[str, str | int] = {"limit": PAGE}
    found: list[Pushed] = []
    while True:
        response = client.get("/me/push", params=params, headers=headers)
        if response.status_code != 200:
            return None
        page = response.json()
        items = [Pushed.model_validate(item) for item in page["items"]]
        found += [push for push in items if push.created_at >= since]
        if page["next_cursor"] is None or (items and items[-1].created_at < since):
            return found
        params["cursor"] = page["next_cursor"]


def push_metrics(pushes: list[Pushed] | None) -> dict[str, Metric]:
    """`push.*` of the pushes read (none when the outboxes could not be read)."""
    if pushes is None:
        return {}
    lags = np.array([p.delivered_at - p.created_at for p in pushes if p.delivered_at is not None])
    metrics = {
        "push.sent": Metric(value=len(pushes), unit="count"),
        "push.failed": Metric(value=len(pushes) - lags.size, unit="count"),
    }
    for stat, q in LAG_STATS if lags.size else ():
        metrics[f"push.lag.{stat}"] = Metric(value=float(np.percentile(lags, q)), unit="s")
    return metrics
