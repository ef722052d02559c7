"""The storage interface of certification applications (both backends implement it)."""

from __future__ import annotations

from typing import Protocol

from microblog.certification_models import (
    Certification,
    CertificationKind,
    CertificationStatus,
)


class CertificationRepo(Protocol):
    def create(self, account_id: int, kind: CertificationKind, applied_at: float) -> Certification:
        """File a pending application."""
        ...

    def get(self, certification_id: int) -> Certification | None: ...
    def of_account(self, account_id: int) -> list[Certification]:
        """The account's applications, newest first."""
        ...

    def listed(
        self, status: CertificationStatus | None, before: int | None, limit: int
    ) -> list[Certification]:
        """Applications newest first (of one status, or all), ids below `before`."""
        ...

    def decide(
        self,
        certification_id: int,
        status: CertificationStatus,
        decided_at: float,
        decided_by: str,
        note: str,
    ) -> bool:
        """Record the decision on a *pending* application, atomically; False when it was not
        pending any more (another operator decided first)."""
        ...
