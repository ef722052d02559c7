"""Certifications: accounts apply, operators approve or reject, and only then is an account
`verified` with the rights of its role.

The seeds speak of *certified* merchants and verified big-V and medium-V accounts; an
account that could certify itself (as registering with `role: merchant` once did) would
open shops with nobody's say-so. Registering as a merchant or influencer files an
application of the matching kind; an existing account may apply later. The decision
records the operator's name, the time and a note, so every `verified` flag set this way has
an audit trail. Bulk seeding (`/admin/seed/accounts`, the simulator) is itself an operator
path and creates certified accounts directly.
"""

from __future__ import annotations

from microblog.certification_models import (
    Certification,
    CertificationKind,
    CertificationStatus,
)
from microblog.errors import Conflict, Invalid, NotFound
from microblog.models import Page
from microblog.services.certification_rules import file_application
from microblog.services.context import Context
from microblog.services.cursors import next_id_cursor, parse_id_cursor

MAX_NOTE_CHARS = 500
"""Longest decision note (the column's width)."""


class Certifications:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def apply(self, account_id: int, kind: CertificationKind) -> Certification:
        with self.ctx.store.write() as tx:
            account = tx.accounts.get(account_id)
            if account is None:
                raise NotFound(f"no account {account_id}")
            return file_application(tx, account, kind, self.ctx.clock())

    def of_account(self, account_id: int) -> list[Certification]:
        """The account's applications and their decisions, newest first."""
        with self.ctx.store.read() as tx:
            return tx.certifications.of_account(account_id)

    def listed(
        self, status: CertificationStatus | None, cursor: str | None, limit: int
    ) -> Page[Certification]:
        """Applications for operators, newest first (the pending queue, or the audit trail)."""
        limit = self.ctx.page_limit(limit)
        with self.ctx.store.read() as tx:
            rows = tx.certifications.listed(status, parse_id_cursor(cursor), limit)
        return Page(rows, next_id_cursor([c.id for c in rows], limit))

    def approve(self, certification_id: int, operator: str, note: str = "") -> Certification:
        """Certify the account: the kind's role and tier, and `verified`."""
        return self._decide(certification_id, CertificationStatus.APPROVED, operator, note)

    def reject(self, certification_id: int, operator: str, note: str = "") -> Certification:
        return self._decide(certification_id, CertificationStatus.REJECTED, operator, note)

    def _decide(
        self, certification_id: int, status: CertificationStatus, operator: str, note: str
    ) -> Certification:
        check_decision(operator, note)
        with self.ctx.store.write() as tx:
            found = tx.certifications.get(certification_id)
            if found is None:
                raise NotFound(f"no certification {certification_id}")
            if not tx.certifications.decide(
                certification_id, status, self.ctx.clock(), operator.strip(), note
            ):
                raise Conflict(
                    f"certification {certification_id} was already {found.status.value}"
                    if found.status is not CertificationStatus.PENDING
                    else f"certification {certification_id} was decided by another operator"
                )
            if status is CertificationStatus.APPROVED:
                tx.accounts.certify(found.account_id, *found.kind.grants)
            decided = tx.certifications.get(certification_id)
        assert decided is not None
        return decided


def check_decision(operator: str, note: str) -> None:
    if not 1 <= len(operator.strip()) <= 64:
        raise Invalid("operator must name who decides (1-64 characters)", field="operator")
    if len(note) > MAX_NOTE_CHARS:
        raise Invalid(f"note must be at most {MAX_NOTE_CHARS} characters", field="note")
