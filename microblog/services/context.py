"""What every service shares: the store, the platform rules, a clock and paging helpers."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

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

    def page_limit(self, limit: int) -> int:
        if not 1 <= limit <= self.config.max_page_size:
            raise Invalid(
                f"limit must be between 1 and {self.config.max_page_size}, got {limit}",
                field="limit",
            )
        return limit


def parse_id_cursor(cursor: str | None) -> int | None:
    """Cursors of plain newest-first lists are the last id seen."""
    if cursor is None:
        return None
    if not cursor.isdigit():
        raise Invalid(
            f"cursor must be a cursor returned by the previous page, got {cursor!r}", field="cursor"
        )
    return int(cursor)


def next_id_cursor(ids: list[int], limit: int) -> str | None:
    return str(ids[-1]) if len(ids) == limit else None
