"""Wire formats of push notifications: what a mobile session's outbox holds."""

from __future__ import annotations

from pydantic import BaseModel, Field

from microblog.models import Page
from microblog.push_models import PushKind, PushMessage


class PushPublic(BaseModel):
    id: int
    kind: PushKind = Field(description="mention, message, live_start or fan_service.")
    payload: dict[str, int | str] = Field(description="What it is about (ids), by kind.")
    created_at: float
    delivered_at: float | None = Field(
        description="When the provider reached the device; null when the provider failed."
    )

    @classmethod
    def of(cls, p: PushMessage) -> PushPublic:
        return cls(
            id=p.id,
            kind=p.kind,
            payload=p.payload,
            created_at=p.created_at,
            delivered_at=p.delivered_at,
        )


class PushPage(BaseModel):
    items: list[PushPublic]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[PushMessage]) -> PushPage:
        return cls(items=[PushPublic.of(p) for p in page.items], next_cursor=page.next_cursor)
