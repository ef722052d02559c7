"""Certification: an account applies and follows its applications; operators decide."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from microblog.api.certification_schemas import (
    CertificationCreate,
    CertificationDecision,
    CertificationPublic,
    CertificationsPage,
)
from microblog.api.deps import Blog, CurrentAccountId, Operator
from microblog.api.offload import LoopRoute
from microblog.api.params import Cursor, Id, Limit
from microblog.certification_models import CertificationStatus

StatusFilter = Annotated[CertificationStatus | None, Query(description="Only this status.")]

router = APIRouter(prefix="/certifications", tags=["certifications"], route_class=LoopRoute)
admin_router = APIRouter(prefix="/admin/certifications", tags=["admin"], dependencies=[Operator])


@router.post("", status_code=status.HTTP_201_CREATED)
def apply(
    body: CertificationCreate, account_id: CurrentAccountId, blog: Blog
) -> CertificationPublic:
    """Apply for certification; pending until an operator decides (409 if one is pending)."""
    return CertificationPublic.of(blog.certifications.apply(account_id, body.kind))


@router.get("")
def mine(account_id: CurrentAccountId, blog: Blog) -> list[CertificationPublic]:
    """The caller's applications and their decisions, newest first."""
    return [CertificationPublic.of(c) for c in blog.certifications.of_account(account_id)]


@admin_router.get("")
def listed(
    blog: Blog,
    status: StatusFilter = None,
    cursor: Cursor = None,
    limit: Limit = 20,
) -> CertificationsPage:
    """The queue (`?status=pending`) or the audit trail of decisions, newest first."""
    return CertificationsPage.of(blog.certifications.listed(status, cursor, limit))


@admin_router.post("/{certification_id}/approve")
def approve(certification_id: Id, body: CertificationDecision, blog: Blog) -> CertificationPublic:
    """Certify: the account gets the kind's role and tier and is `verified`."""
    decided = blog.certifications.approve(certification_id, body.operator, body.note)
    return CertificationPublic.of(decided)


@admin_router.post("/{certification_id}/reject")
def reject(certification_id: Id, body: CertificationDecision, blog: Blog) -> CertificationPublic:
    decided = blog.certifications.reject(certification_id, body.operator, body.note)
    return CertificationPublic.of(decided)
