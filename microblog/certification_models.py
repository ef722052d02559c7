"""Certification: merchants and verified V accounts are certified by an operator.

Weibo's merchants are *certified* and its big-V and medium-V accounts *verified* after a
check by the platform; an account cannot certify itself. An account applies for one kind,
the application is pending until an operator approves or rejects it, and the record keeps
who decided, when and why (the audit trail of every `verified` flag set over HTTP).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from microblog.models import Role, Tier


class CertificationKind(StrEnum):
    MERCHANT = "merchant"
    BIG_V = "big_v"
    MEDIUM_V = "medium_v"

    @property
    def grants(self) -> tuple[Role, Tier | None]:
        """The role and tier an approved application gives its account."""
        if self is CertificationKind.MERCHANT:
            return Role.MERCHANT, None
        return Role.INFLUENCER, Tier(self.value)

    @classmethod
    def declared(cls, role: Role, tier: Tier | None) -> CertificationKind | None:
        """The kind an account registering as `role` at `tier` applies for (None: a role
        that needs no certification)."""
        if role is Role.MERCHANT:
            return cls.MERCHANT
        if role is Role.INFLUENCER and tier is not None:
            return cls(tier.value)
        return None


class CertificationStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Certification:
    """One application and, once decided, the decision."""

    id: int
    account_id: int
    kind: CertificationKind
    status: CertificationStatus
    applied_at: float
    decided_at: float | None = None
    decided_by: str | None = None
    """The operator who decided (a name they give; the operator token is shared)."""
    note: str = ""
