"""Wire formats of paid membership: the caller's membership and a renewal run's tally."""

from __future__ import annotations

from pydantic import BaseModel, Field

from microblog.membership_models import Membership, MembershipStatus, Renewals


class MembershipPublic(BaseModel):
    account_id: int
    status: MembershipStatus = Field(description="active, cancelled, lapsed or ended.")
    joined_at: float
    period_end: float = Field(description="When the paid period ends (and renewal is due).")
    price_fen: int = Field(description="Fee charged per period, in fen.")
    renewals: int = Field(description="Periods renewed from the wallet since joining.")

    @classmethod
    def of(cls, m: Membership) -> MembershipPublic:
        return cls(
            account_id=m.account_id,
            status=m.status,
            joined_at=m.joined_at,
            period_end=m.period_end,
            price_fen=m.price_fen,
            renewals=m.renewals,
        )


class RenewalsPublic(BaseModel):
    renewed: int
    lapsed: int = Field(description="Memberships whose wallet could not pay: no charge made.")
    ended: int = Field(description="Cancelled memberships whose last period ran out.")
    charged_fen: int

    @classmethod
    def of(cls, r: Renewals) -> RenewalsPublic:
        return cls(renewed=r.renewed, lapsed=r.lapsed, ended=r.ended, charged_fen=r.charged_fen)
