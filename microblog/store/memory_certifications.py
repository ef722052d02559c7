"""Certification applications in memory (the memory backend's twin of the SQL table)."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from microblog.certification_models import (
    Certification,
    CertificationKind,
    CertificationStatus,
)
from microblog.store.paging import page_sorted
from microblog.store.records import replace
from microblog.work import record


@dataclass
class CertificationData:
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    rows: dict[int, Certification] = field(default_factory=dict)
    by_account: defaultdict[int, list[int]] = field(default_factory=lambda: defaultdict(list))


class MemoryCertifications:
    def __init__(self, data: CertificationData) -> None:
        self.d = data

    def create(self, account_id: int, kind: CertificationKind, applied_at: float) -> Certification:
        row = Certification(
            next(self.d.ids), account_id, kind, CertificationStatus.PENDING, applied_at
        )
        self.d.rows[row.id] = row
        self.d.by_account[account_id].append(row.id)
        record(db_writes=1)
        return row

    def get(self, certification_id: int) -> Certification | None:
        row = self.d.rows.get(certification_id)
        record(db_reads=1 if row else 0)
        return row

    def of_account(self, account_id: int) -> list[Certification]:
        rows = [self.d.rows[i] for i in reversed(self.d.by_account.get(account_id, []))]
        record(db_reads=len(rows))
        return rows

    def listed(
        self, status: CertificationStatus | None, before: int | None, limit: int
    ) -> list[Certification]:
        ids = [i for i, row in self.d.rows.items() if status is None or row.status is status]
        rows = [self.d.rows[i] for i in page_sorted(ids, before, limit)]
        record(db_reads=len(rows))
        return rows

    def decide(
        self,
        certification_id: int,
        status: CertificationStatus,
        decided_at: float,
        decided_by: str,
        note: str,
    ) -> bool:
        row = self.d.rows.get(certification_id)
        if row is None or row.status is not CertificationStatus.PENDING:
            return False
        self.d.rows[certification_id] = replace(
            row, status=status, decided_at=decided_at, decided_by=decided_by, note=note
        )
        record(db_writes=1)
        return True
