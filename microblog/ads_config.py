"""Rules of the ad server: reserve price, click prediction, relevance weighting and pacing.

`PlatformConfig.ads` holds one `AdsConfig`; `PlatformConfig.ad_load` decides how many feed
slots carry ads at all. Money is integer fen.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, field_validator

HourWeight = Annotated[float, Field(ge=0)]


class AdsConfig(BaseModel):
    """Numbers that decide which campaign wins a slot, what it pays and how fast it spends."""

    reserve_cpm: int = Field(
        default=200,
        ge=0,
        description="Reserve price in fen per thousand impressions: bids worth less are "
        "left out, and a lone bidder pays this (converted to its bid unit).",
    )
    ctr_prior: float = Field(
        default=0.01,
        gt=0,
        le=1,
        description="Predicted click-through rate of a campaign with no history "
        "(assumption: in-feed social ads click through at around 1 %).",
    )
    ctr_prior_impressions: int = Field(
        default=1000,
        ge=1,
        description="Weight of the prior in impressions: a campaign's predicted CTR is "
        "(clicks + prior x weight) / (impressions + weight).",
    )
    relevance_weight: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="How much relevance scales a bid: quality = 1 - weight x (1 - relevance); "
        "0 ranks by bid alone, 1 by bid x relevance.",
    )
    untargeted_relevance: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="Relevance of a campaign that targets no interests (a targeted one "
        "scores the share of its interests the viewer has).",
    )
    pacing: bool = Field(
        default=True,
        description="Spread each daily budget over the day instead of spending it at once.",
    )
    pacing_headroom: float = Field(
        default=0.05,
        ge=0,
        le=1,
        description="Share of the daily budget a paced campaign may spend ahead of schedule.",
    )
    pacing_curve: list[HourWeight] | None = Field(
        default=None,
        min_length=24,
        max_length=24,
        description="24 hourly traffic weights (0h first) the daily budget is released in "
        "proportion to; unset releases it evenly over the day.",
    )
    day_offset_s: int = Field(
        default=0,
        ge=-86_400,
        le=86_400,
        description="Seconds added to the clock before splitting it into days for daily "
        "budgets and frequency caps (28800 puts a wall clock on Beijing time).",
    )
    retrieval_depth: int = Field(
        default=10,
        ge=1,
        description="Eligible campaigns a page's auctions choose from: the ad server walks "
        "the campaigns that can reach the viewer best bid first (a CPC bid valued at "
        "`ctr_prior`) and ranks only this many on their full score, so serving cost does "
        "not grow with the number of live campaigns.",
    )
    attribution_window_s: float = Field(
        default=7 * 86_400,
        gt=0,
        description="How long after an impression an order is still attributed to the ad.",
    )

    @field_validator("pacing_curve")
    @classmethod
    def _some_traffic(cls, curve: list[float] | None) -> list[float] | None:
        if curve is not None and sum(curve) <= 0:
            raise ValueError("pacing_curve needs at least one positive weight")
        return curve
