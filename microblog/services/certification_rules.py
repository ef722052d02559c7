"""The rules of certification that other services apply inside their own transactions:
filing an application (registration files one) and requiring a certified role (shops,
promotions, referrals). Kept apart from `certifications` so `accounts` can use them
without importing the paging helpers that import `accounts`."""

from __future__ import annotations

from microblog.certification_models import Certification, CertificationKind, CertificationStatus
from microblog.errors import Conflict, Forbidden
from microblog.models import Account, Role
from microblog.store.base import Tx


def require_certified(account: Account, role: Role, action: str) -> None:
    """Refuse `action` unless the account holds `role` and an operator certified it."""
    if account.role is not role:
        raise Forbidden(
            f"only certified {role.value}s may {action}; account {account.id} is "
            f"{account.role.value}"
        )
    if not account.verified:
        raise Forbidden(
            f"account {account.id} may {action} once an operator approves its "
            f"{role.value} certification (apply with POST /certifications)"
        )


def file_application(
    tx: Tx, account: Account, kind: CertificationKind, now: float
) -> Certification:
    """File a pending application, refusing a second one while one is pending."""
    if any(
        c.status is CertificationStatus.PENDING for c in tx.certifications.of_account(account.id)
    ):
        raise Conflict(f"account {account.id} already has a pending application", field="kind")
    if account.verified and (account.role, account.tier) == kind.grants:
        raise Conflict(f"account {account.id} is already certified as {kind.value}", field="kind")
    return tx.certifications.create(account.id, kind, now)
