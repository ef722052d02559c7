"""What every service shares: the store, the platform rules (the page size among them), a
clock and the cache tier."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from microblog.cache import CacheTier
from microblog.config import PlatformConfig
from microblog.errors import Invalid
from microblog.store.base import Store

Clock = Callable[[], float]


@dataclass
class Context:
    store: Store
    config: PlatformConfig = field(default_factory=PlatformConfig)
    clock: Clock = time.time
    """Seconds; the simulator passes simulated time so runs are reproducible."""
    cache: CacheTier = field(default_factory=CacheTier)
    """The cache tier beside the store (in this process unless a Redis URL was given)."""

    def page_limit(self, limit: int) -> int:
        if not 1 <= limit <= self.config.max_page_size:
            raise Invalid(
                f"limit must be between 1 and {self.config.max_page_size}, got {limit}",
                field="limit",
            )
        return limit
