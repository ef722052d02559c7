"""Wire formats of certification: an application, its decision, and pages of them."""

from __future__ import annotations

from pydantic import BaseModel, Field

from microblog.api.schemas import Body
from microblog.certification_models import Certification, CertificationKind, CertificationStatus
from microblog.models import Page


class CertificationCreate(Body):
    kind: CertificationKind = Field(description="merchant, big_v or medium_v.")


class CertificationDecision(Body):
    operator: str = Field(
        min_length=1, max_length=64, description="Who decides: kept in the audit trail."
    )
    note: str = Field("", max_length=500, description="Why, for the audit trail.")


class CertificationPublic(BaseModel):
    id: int
    account_id: int
    kind: CertificationKind
    status: CertificationStatus
    applied_at: float
    decided_at: float | None
    decided_by: str | None
    note: str

    @classmethod
    def of(cls, c: Certification) -> CertificationPublic:
        return cls(
            id=c.id,
            account_id=c.account_id,
            kind=c.kind,
            status=c.status,
            applied_at=c.applied_at,
            decided_at=c.decided_at,
            decided_by=c.decided_by,
            note=c.note,
        )


class CertificationsPage(BaseModel):
    items: list[CertificationPublic]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[Certification]) -> CertificationsPage:
        items = [CertificationPublic.of(c) for c in page.items]
        return cls(items=items, next_cursor=page.next_cursor)
