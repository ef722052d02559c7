"""Certification applications in SQL: the table (on the shared `metadata`, created with
the rest by `SqlStore`) and its repository."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Connection, Float, ForeignKey, Index, String, Table, insert, select
from sqlalchemy import update as sql_update

from microblog.certification_models import (
    Certification,
    CertificationKind,
    CertificationStatus,
)
from microblog.store.sql.schema import Id, metadata
from microblog.work import record

certifications = Table(
    "certifications",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("account_id", ForeignKey("accounts.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("applied_at", Float, nullable=False),
    Column("decided_at", Float),
    Column("decided_by", String(64)),
    Column("note", String(500), nullable=False, default=""),
    Index("ix_certifications_account", "account_id", "id"),
    Index("ix_certifications_status", "status", "id"),
)
_c = certifications.c


def _row(row: Any) -> Certification:
    return Certification(
        row.id,
        row.account_id,
        CertificationKind(row.kind),
        CertificationStatus(row.status),
        row.applied_at,
        row.decided_at,
        row.decided_by,
        row.note,
    )


class SqlCertifications:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def create(self, account_id: int, kind: CertificationKind, applied_at: float) -> Certification:
        pending = CertificationStatus.PENDING
        values = dict(
            account_id=account_id,
            kind=kind.value,
            status=pending.value,
            applied_at=applied_at,
            note="",
        )
        key = self.conn.execute(insert(certifications).values(values)).inserted_primary_key
        assert key is not None, "certifications has an autoincrement primary key"
        record(db_writes=1)
        return Certification(int(key[0]), account_id, kind, pending, applied_at)

    def get(self, certification_id: int) -> Certification | None:
        row = self.conn.execute(select(certifications).where(_c.id == certification_id)).first()
        record(db_reads=1 if row else 0)
        return _row(row) if row else None

    def of_account(self, account_id: int) -> list[Certification]:
        query = select(certifications).where(_c.account_id == account_id).order_by(_c.id.desc())
        return self._rows(query)

    def listed(
        self, status: CertificationStatus | None, before: int | None, limit: int
    ) -> list[Certification]:
        query = select(certifications)
        if status is not None:
            query = query.where(_c.status == status.value)
        if before is not None:
            query = query.where(_c.id < before)
        return self._rows(query.order_by(_c.id.desc()).limit(limit))

    def decide(
        self,
        certification_id: int,
        status: CertificationStatus,
        decided_at: float,
        decided_by: str,
        note: str,
    ) -> bool:
        """One conditional UPDATE: of two operators deciding at once, one matches the row."""
        done = self.conn.execute(
            sql_update(certifications)
            .where(_c.id == certification_id, _c.status == CertificationStatus.PENDING.value)
            .values(status=status.value, decided_at=decided_at, decided_by=decided_by, note=note)
        )
        record(db_writes=done.rowcount)
        return done.rowcount == 1

    def _rows(self, query: Any) -> list[Certification]:
        rows = [_row(row) for row in self.conn.execute(query)]
        record(db_reads=len(rows))
        return rows
