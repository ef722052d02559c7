"""Paid memberships in SQL: the table (on the shared `metadata`) and its repository."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    delete,
    insert,
    select,
)
from sqlalchemy import update as sql_update

from microblog.membership_models import RENEWING, Membership, MembershipStatus
from microblog.store.sql.schema import metadata
from microblog.work import record

memberships = Table(
    "memberships",
    metadata,
    Column("account_id", ForeignKey("accounts.id"), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("joined_at", Float, nullable=False),
    Column("period_end", Float, nullable=False),
    Column("price_fen", Integer, nullable=False),
    Column("renewals", Integer, nullable=False),
    Index("ix_memberships_due", "status", "period_end"),
)
_m = memberships.c


def _row(row: Any) -> Membership:
    return Membership(
        row.account_id,
        MembershipStatus(row.status),
        row.joined_at,
        row.period_end,
        row.price_fen,
        row.renewals,
    )


def _values(m: Membership) -> dict[str, Any]:
    return dict(
        account_id=m.account_id,
        status=m.status.value,
        joined_at=m.joined_at,
        period_end=m.period_end,
        price_fen=m.price_fen,
        renewals=m.renewals,
    )


class SqlMemberships:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, account_id: int) -> Membership | None:
        row = self.conn.execute(select(memberships).where(_m.account_id == account_id)).first()
        record(db_reads=1 if row else 0)
        return _row(row) if row else None

    def put(self, membership: Membership) -> None:
        """Delete-then-insert: the caller holds the account's wallet lock, so no other
        writer replaces the same row meanwhile."""
        self.conn.execute(delete(memberships).where(_m.account_id == membership.account_id))
        self.conn.execute(insert(memberships).values(_values(membership)))
        record(db_writes=1)

    def due(self, now: float, limit: int) -> list[Membership]:
        query = (
            select(memberships)
            .where(_m.status.in_([s.value for s in RENEWING]), _m.period_end <= now)
            .order_by(_m.period_end, _m.account_id)
            .limit(limit)
        )
        rows = [_row(row) for row in self.conn.execute(query)]
        record(db_reads=len(rows))
        return rows

    def update(self, was: Membership, now: Membership) -> bool:
        """One conditional UPDATE: of two renewal runs at once, one matches the row."""
        done = self.conn.execute(
            sql_update(memberships)
            .where(
                _m.account_id == was.account_id,
                _m.status == was.status.value,
                _m.period_end == was.period_end,
            )
            .values(_values(now))
        )
        record(db_writes=done.rowcount)
        return done.rowcount == 1
