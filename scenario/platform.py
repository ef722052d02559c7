"""The `platform` section: how the modelled deployment delivers timelines, and its capacity.

Drives the microblog's timeline strategy in both the simulator and the load-test server,
and the simulator's capacity model (`capacity`, see scenario.capacity).
"""

from __future__ import annotations

from typing import Literal

from scenario.capacity import CapacityConfig
from scenario.fields import Section, section, spec


class PlatformSection(Section):
    """Timeline delivery and capacity of the platform under test."""

    fanout: Literal["push", "pull", "hybrid"] = spec(
        "hybrid", "Timeline strategy: push (fan-out on write), pull (merge on read) or hybrid "
        "(push below `hybrid_threshold` followers, pull above, as Twitter and Weibo do).",
    )  # fmt: skip
    hybrid_threshold: int = spec(
        10_000, "Follower count from which hybrid stops pushing an author's posts.",
        unit="followers", ge=1,
    )  # fmt: skip
    timeline_capacity: int = spec(
        800, "Entries kept per home timeline.", unit="posts",
        source="Krikorian, 'Timelines at Scale', QCon 2012 (Twitter keeps 800)", ge=1,
    )  # fmt: skip
    rate_limits: bool = spec(
        False, "Enforce the published per-IP, per-user and per-action rate limits (Weibo "
        "open platform API v2 figures, `microblog.rate_limit_config`) in the load-test "
        "server; off by default (assumption: a load test from one host measures capacity, "
        "and would otherwise meet the per-IP limit of 10,000 calls an hour within minutes).",
    )  # fmt: skip
    capacity: CapacityConfig = section(
        CapacityConfig, "Modelled servers and cost per unit of work."
    )
