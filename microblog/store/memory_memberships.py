"""Paid memberships in memory (the memory backend's twin of the SQL table)."""

from __future__ import annotations

from microblog.membership_models import RENEWING, Membership
from microblog.work import record


class MemoryMemberships:
    def __init__(self, rows: dict[int, Membership]) -> None:
        self.rows = rows

    def get(self, account_id: int) -> Membership | None:
        row = self.rows.get(account_id)
        record(db_reads=1 if row else 0)
        return row

    def put(self, membership: Membership) -> None:
        self.rows[membership.account_id] = membership
        record(db_writes=1)

    def due(self, now: float, limit: int) -> list[Membership]:
        """A scan: the memory backend serves simulations, whose members are few thousand."""
        found = [m for m in self.rows.values() if m.status in RENEWING and m.period_end <= now]
        found.sort(key=lambda m: (m.period_end, m.account_id))
        record(db_reads=min(len(found), limit))
        return found[:limit]

    def update(self, was: Membership, now: Membership) -> bool:
        row = self.rows.get(was.account_id)
        if row is None or (row.status, row.period_end) != (was.status, was.period_end):
            return False
        self.rows[was.account_id] = now
        record(db_writes=1)
        return True
