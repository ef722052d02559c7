"""Request and response bodies of campaigns, ad reports and the home feed."""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

from pydantic import BaseModel, Field

from microblog.ads_models import (
    BidType,
    Campaign,
    CampaignKind,
    CampaignSpec,
    CampaignStatus,
    FeedItem,
    Targeting,
)
from microblog.api.params import Id
from microblog.api.schemas import Body, PostPublic
from microblog.models import AgeBand, Gender, Page
from microblog.services.ads import CampaignReport


class TargetingBody(Body):
    """Each non-empty list must hold the viewer's value; empty lists reach everyone."""

    interests: list[str] = Field(default_factory=list, max_length=50)
    regions: list[str] = Field(default_factory=list, max_length=50)
    genders: list[Gender] = Field(default_factory=list)
    age_bands: list[AgeBand] = Field(default_factory=list)

    def to_targeting(self) -> Targeting:
        return Targeting(
            list(self.interests), list(self.regions), list(self.genders), list(self.age_bands)
        )

    @classmethod
    def of(cls, t: Targeting) -> TargetingBody:
        return cls(
            interests=t.interests, regions=t.regions, genders=t.genders, age_bands=t.age_bands
        )


class CampaignCreate(Body):
    kind: CampaignKind = Field(
        default=CampaignKind.AD,
        description="'ad' (advertisers) or 'promotion' (merchants: paid reach among "
        "non-followers).",
    )
    post_id: Id = Field(description="The creative: one of your public posts.")
    bid_type: BidType
    bid: int = Field(ge=1, description="Fen per thousand impressions (cpm) or per click (cpc).")
    daily_budget: int = Field(ge=1, description="Most fen spent per day.")
    total_budget: int = Field(ge=1, description="Most fen spent over the campaign's life.")
    start: float = Field(description="Clock seconds from which it may serve.")
    end: float = Field(description="Clock seconds at which it stops serving.")
    frequency_cap: int = Field(default=3, ge=1, description="Most impressions per user per day.")
    targeting: TargetingBody = Field(default_factory=TargetingBody)

    def to_spec(self) -> CampaignSpec:
        return CampaignSpec(
            self.post_id,
            self.bid_type,
            self.bid,
            self.daily_budget,
            self.total_budget,
            self.start,
            self.end,
            self.frequency_cap,
            self.targeting.to_targeting(),
            self.kind,
        )


class CampaignReportPublic(BaseModel):
    impressions: int
    clicks: int
    hides: int
    ctr: float | None
    spent: int = Field(description="Fen charged so far.")
    conversions: int
    conversion_value: int = Field(description="Fen of orders attributed to the campaign.")
    cost_per_conversion: float | None

    @classmethod
    def of(cls, r: CampaignReport) -> CampaignReportPublic:
        return cls(
            impressions=r.impressions,
            clicks=r.clicks,
            hides=r.hides,
            ctr=r.ctr,
            spent=r.spent,
            conversions=r.conversions,
            conversion_value=r.conversion_value,
            cost_per_conversion=r.cost_per_conversion,
        )


class CampaignPublic(CampaignCreate):
    id: int
    owner_id: int
    status: CampaignStatus
    created_at: float
    report: CampaignReportPublic

    @classmethod
    def of(cls, c: Campaign) -> CampaignPublic:
        s = c.spec
        return cls(
            id=c.id,
            owner_id=c.owner_id,
            status=c.status,
            created_at=c.created_at,
            report=CampaignReportPublic.of(CampaignReport.of(c.delivery)),
            kind=s.kind,
            post_id=s.post_id,
            bid_type=s.bid_type,
            bid=s.bid,
            daily_budget=s.daily_budget,
            total_budget=s.total_budget,
            start=s.start,
            end=s.end,
            frequency_cap=s.frequency_cap,
            targeting=TargetingBody.of(s.targeting),
        )


class CampaignsPage(BaseModel):
    items: list[CampaignPublic]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[Campaign]) -> CampaignsPage:
        return cls(items=[CampaignPublic.of(c) for c in page.items], next_cursor=page.next_cursor)


class AdPublic(BaseModel):
    impression_id: int = Field(description="Send it back to click or hide the ad.")
    campaign_id: int
    kind: CampaignKind


class FeedItemPublic(BaseModel):
    kind: Literal["post", "ad"]
    post: PostPublic
    ad: AdPublic | None = Field(description="Set on ads: the campaign and impression.")

    @classmethod
    def of(cls, item: FeedItem, removed: Collection[int] = ()) -> FeedItemPublic:
        ad = item.ad
        return cls(
            kind="ad" if ad else "post",
            post=PostPublic.of(item.post, removed),
            ad=AdPublic(impression_id=ad.impression_id, campaign_id=ad.campaign_id, kind=ad.kind)
            if ad
            else None,
        )


class FeedPage(BaseModel):
    items: list[FeedItemPublic]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[FeedItem], removed: Collection[int] = ()) -> FeedPage:
        items = [FeedItemPublic.of(i, removed) for i in page.items]
        return cls(items=items, next_cursor=page.next_cursor)
