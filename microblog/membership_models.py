"""Paid membership: a monthly value-added service bought with micro-coins.

The seeds count Weibo's own value-added-service revenue beside games and apps; a
membership is the canonical one, a recurring stream a strategist trades against ads. One
row per account: joining charges the first period, and at each period's end the renewal
run charges the wallet again. A wallet too short to pay lapses the membership (never an
overdraft); a cancelled one keeps its benefits until the period it paid for ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MembershipStatus(StrEnum):
    ACTIVE = "active"
    """Paid up; renews from the wallet at `period_end`."""
    CANCELLED = "cancelled"
    """Paid up until `period_end`, then ends without another charge."""
    LAPSED = "lapsed"
    """A renewal found the wallet short: no charge was made and the benefits stopped."""
    ENDED = "ended"
    """A cancelled membership whose last paid period is over."""


RENEWING = frozenset({MembershipStatus.ACTIVE, MembershipStatus.CANCELLED})
"""States the renewal run settles once `period_end` has passed."""


@dataclass(frozen=True, slots=True)
class Membership:
    account_id: int
    status: MembershipStatus
    joined_at: float
    period_end: float
    price_fen: int
    """The fee of each period, fixed when joining (a price change applies to new members)."""
    renewals: int = 0

    def benefits(self, now: float) -> bool:
        """Whether the account enjoys the benefits now: while a period is paid for, and for
        an active member whose renewal is due but not yet run (the run decides)."""
        return self.status is MembershipStatus.ACTIVE or (
            self.status is MembershipStatus.CANCELLED and now < self.period_end
        )


class RenewalOutcome(StrEnum):
    RENEWED = "renewed"
    LAPSED = "lapsed"
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class Renewals:
    """What one renewal run settled."""

    renewed: int = 0
    lapsed: int = 0
    ended: int = 0
    charged_fen: int = 0
    """Coins the renewals moved to the platform's revenue account."""
    charged: tuple[tuple[int, int], ...] = ()
    """(account id, fen) of each renewal charged, for revenue by payer."""
    lapsed_accounts: tuple[int, ...] = ()
    """Accounts whose membership lapsed in this run (a signal of a user drifting away)."""
