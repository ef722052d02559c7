"""Revenue by the client of the account it came from: `clients.<kind>.revenue` and, per
stream, `clients.<kind>.revenue_<stream>`, the mobile app's against the web's.

Where money moves because of a user's action, the activity attributes the coins to that
user's client (`population.mobile`): a membership fee, a game item or an app charge to its
buyer, a live gift to its viewer, an order's commission to its buyer, an ad's price to the
viewer who saw it (CPM) or clicked it (CPC), a partner's diversion fee to the user diverted.

A stream's split is its measured revenue (`revenue.<stream>`, what the ledger moved)
apportioned in proportion to what was attributed, so the clients' parts add up to
`revenue.total` exactly. Attributed and measured differ only where money moves with no
user's action in the simulation: the ad server's own totals, which `revenue.ads` reads,
also count merchants' promotions clicked and leave out charges it declined; a partner's
daily contract fee is nobody's. A stream with revenue and nothing attributed (a partner's
contract before any diversion) is split like the accounts: by the population's mobile share.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import simpy

from outcomes.metrics import REVENUE_STREAMS
from sim.measure import Metrics

CLIENT_KINDS = ("mobile", "web")
"""The simulator's clients: the mobile app, or the web (third-party apps act for accounts
of either, so they are not a client of their own here)."""


class ClientRevenue:
    """Coins of each stream attributed to each client in the measured window."""

    def __init__(self, env: simpy.Environment, warmup_s: float, mobile: np.ndarray) -> None:
        self.env = env
        self.warmup_s = warmup_s
        self.mobile = mobile
        self.attributed: defaultdict[str, dict[str, float]] = defaultdict(
            lambda: dict.fromkeys(CLIENT_KINDS, 0.0)
        )

    def add(self, stream: str, row: int, coins: float) -> None:
        """`coins` of `revenue.<stream>` moved because of the user at `row`."""
        if self.env.now >= self.warmup_s:
            self.attributed[stream]["mobile" if self.mobile[row] else "web"] += coins

    def weights(self, stream: str) -> dict[str, float]:
        return self.attribution().weights(stream)

    def attribution(self) -> Attribution:
        mobile_share = float(self.mobile.mean()) if self.mobile.size else 0.0
        return Attribution({s: dict(split) for s, split in self.attributed.items()}, mobile_share)


@dataclass(frozen=True)
class Attribution:
    """What was attributed, as plain data: a shard sends its part to the run's merge."""

    coins: dict[str, dict[str, float]]
    """Stream -> client -> coins."""
    mobile_share: float
    """The population's share of accounts on the mobile app."""

    def weights(self, stream: str) -> dict[str, float]:
        """How the stream splits over the clients: its attributed coins, or, with none, the
        population's accounts."""
        attributed = self.coins.get(stream)
        if attributed and sum(attributed.values()) > 0:
            return attributed
        return {"mobile": self.mobile_share, "web": 1.0 - self.mobile_share}


def pooled(parts: Sequence[Attribution]) -> Attribution:
    """The shards' attributions as one run's (each attributed its own accounts' coins)."""
    coins: defaultdict[str, dict[str, float]] = defaultdict(
        lambda: dict.fromkeys(CLIENT_KINDS, 0.0)
    )
    for part in parts:
        for stream, split in part.coins.items():
            for kind, value in split.items():
                coins[stream][kind] += value
    return Attribution(dict(coins), parts[0].mobile_share)


def client_revenue_metrics(metrics: Metrics, revenue: ClientRevenue | Attribution) -> Metrics:
    """`clients.<kind>.revenue_<stream>` for every measured stream and `clients.<kind>.revenue`
    their sum, each stream apportioned by `revenue.weights` (none without revenue metrics)."""
    found: Metrics = {}
    totals = dict.fromkeys(CLIENT_KINDS, 0.0)
    for stream in REVENUE_STREAMS:
        measured = metrics.get(f"revenue.{stream}")
        if measured is None:
            continue
        weights = revenue.weights(stream)
        whole = sum(weights.values())
        for kind in CLIENT_KINDS:
            part = measured[0] * weights[kind] / whole
            found[f"clients.{kind}.revenue_{stream}"] = (part, "coins")
            totals[kind] += part
    if found:
        found.update({f"clients.{kind}.revenue": (totals[kind], "coins") for kind in CLIENT_KINDS})
    return found
