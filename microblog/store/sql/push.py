"""The push outbox in SQL: the table (on the shared `metadata`) and its repository."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Float,
    ForeignKey,
    Index,
    String,
    Table,
    bindparam,
    insert,
    select,
)

from microblog.push_models import PushKind, PushMessage
from microblog.store.sql.prepared import Prepared
from microblog.store.sql.schema import Id, metadata
from microblog.work import record

pushes = Table(
    "pushes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("account_id", ForeignKey("accounts.id"), nullable=False),
    Column("device", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("delivered_at", Float),
    Index("ix_pushes_device", "device", "id"),
)
_p = pushes.c


def _device_page(paged: bool) -> Prepared:
    query = select(pushes).where(_p.device == bindparam("device"))
    if paged:
        query = query.where(_p.id < bindparam("before"))
    return Prepared(query.order_by(_p.id.desc()).limit(bindparam("limit")))


_OF_DEVICE = {paged: _device_page(paged) for paged in (False, True)}
"""A device's newest pushes, first page or below a cursor: every app's poll of its outbox."""


def _row(row: Any) -> PushMessage:
    return PushMessage(
        row.id,
        row.account_id,
        row.device,
        PushKind(row.kind),
        dict(row.payload),
        row.created_at,
        row.delivered_at,
    )


class SqlPush:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add_many(self, sent: list[PushMessage]) -> None:
        if not sent:
            return
        rows = [
            dict(
                account_id=p.account_id, device=p.device, kind=p.kind.value, payload=p.payload,
                created_at=p.created_at, delivered_at=p.delivered_at,
            )
            for p in sent
        ]  # fmt: skip
        self.conn.execute(insert(pushes), rows)
        record(db_writes=len(rows))

    def of_device(self, device: str, before: int | None, limit: int) -> list[PushMessage]:
        page = _OF_DEVICE[before is not None]
        rows = [
            _row(row) for row in page.rows(self.conn, device=device, before=before, limit=limit)
        ]
        record(db_reads=len(rows))
        return rows
