"""Paid membership rules: the monthly fee in micro-coins, the period it buys, and what a
member gets that others do not."""

from __future__ import annotations

from pydantic import BaseModel, Field

SECONDS_PER_DAY = 86_400


class MembershipConfig(BaseModel):
    price_fen: int = Field(
        1000,
        ge=1,
        description="Monthly membership fee, in fen (source: Sina Weibo's paid membership, "
        "launched in June 2012 at 10 RMB a month: Radio Free Asia, 'Netizens Boycott Sina "
        "Membership', 20 June 2012, rfa.org/english/news/china/boycott-06202012130600.html; "
        "TechNode, 19 June 2012, 'RMB 10 per month'; 1 coin = 1 RMB).",
    )
    period_s: float = Field(
        30 * SECONDS_PER_DAY,
        gt=0,
        description="Seconds one fee buys; auto-renewal charges again at its end "
        "(assumption: a 30-day month).",
    )
    member_photos_per_post: int = Field(
        18,
        ge=0,
        description="Photos a member's post may carry, instead of `media.max_photos_per_post` "
        "(assumption: twice the ordinary nine).",
    )
    renewal_batch: int = Field(
        500,
        ge=1,
        description="Most memberships one renewal run settles (each in its own transaction); "
        "the operator's cron calls again while any are due (assumption).",
    )
