"""The storage interface of paid memberships (both backends implement it)."""

from __future__ import annotations

from typing import Protocol

from microblog.membership_models import Membership


class MembershipRepo(Protocol):
    def get(self, account_id: int) -> Membership | None: ...
    def put(self, membership: Membership) -> None:
        """Insert the account's membership, or replace its lapsed or ended one."""
        ...

    def due(self, now: float, limit: int) -> list[Membership]:
        """Up to `limit` active or cancelled memberships whose period ended by `now`,
        earliest first."""
        ...

    def update(self, was: Membership, now: Membership) -> bool:
        """Replace `was` with `now`, atomically, only if the row is still `was` (status and
        period end); False when another run settled it first."""
        ...
