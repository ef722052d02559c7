"""The push outbox in memory (the memory backend's twin of the SQL table)."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from microblog.push_models import PushMessage
from microblog.store.paging import page_sorted
from microblog.store.records import replace
from microblog.work import record


@dataclass
class PushData:
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    by_device: defaultdict[str, dict[int, PushMessage]] = field(
        default_factory=lambda: defaultdict(dict)
    )


class MemoryPush:
    def __init__(self, data: PushData) -> None:
        self.d = data

    def add_many(self, pushes: list[PushMessage]) -> None:
        for push in pushes:
            stored = replace(push, id=next(self.d.ids))
            self.d.by_device[push.device][stored.id] = stored
        record(db_writes=len(pushes))

    def of_device(self, device: str, before: int | None, limit: int) -> list[PushMessage]:
        rows = self.d.by_device.get(device, {})
        found = [rows[i] for i in page_sorted(list(rows), before, limit)]
        record(db_reads=len(found))
        return found
