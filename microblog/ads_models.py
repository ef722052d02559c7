"""Domain records of advertising: campaigns, what they have delivered, and impressions.

Kept apart from `microblog.models` so the ads domain grows without touching the social
core's records. Money is integer fen everywhere; CPM prices are fen per thousand
impressions and CPC prices fen per click.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from microblog.models import AgeBand, Gender, Post, Profile


class CampaignKind(StrEnum):
    AD = "ad"
    """An advertiser's sponsored post, shown to anyone its targeting matches."""
    PROMOTION = "promotion"
    """A merchant's paid reach for a product post: shown only to non-followers."""


class BidType(StrEnum):
    CPM = "cpm"
    """Pays per thousand impressions; the bid is fen per mille."""
    CPC = "cpc"
    """Pays per click; the bid is fen per click."""


class CampaignStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    """Paused by its owner."""
    UNFUNDED = "unfunded"
    """A charge failed for lack of funds; the owner resumes it after topping up."""


@dataclass(slots=True)
class Targeting:
    """Who may see a campaign: each non-empty list must contain the viewer's value.

    Interests match when the viewer shares at least one; an empty list places no
    restriction on that field, so an empty `Targeting` reaches everyone.
    """

    interests: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    genders: list[Gender] = field(default_factory=list)
    age_bands: list[AgeBand] = field(default_factory=list)

    def matches(self, profile: Profile) -> bool:
        """Every targeted field holds the viewer's value; interests need one in common."""
        return (
            (not self.interests or not set(self.interests).isdisjoint(profile.interests))
            and (not self.regions or profile.region in self.regions)
            and (not self.genders or profile.gender in self.genders)
            and (not self.age_bands or profile.age_band in self.age_bands)
        )


@dataclass(slots=True)
class CampaignSpec:
    """What an advertiser or merchant asks for when creating a campaign."""

    post_id: int
    """The creative: a public post of the campaign's owner."""
    bid_type: BidType
    bid: int
    daily_budget: int
    total_budget: int
    start: float
    """Clock seconds from which the campaign may serve."""
    end: float
    """Clock seconds at which it stops serving."""
    frequency_cap: int = 3
    """Most impressions per user per day."""
    targeting: Targeting = field(default_factory=Targeting)
    kind: CampaignKind = CampaignKind.AD


@dataclass(slots=True)
class Delivery:
    """What a campaign has delivered and been charged so far, kept exact by the store."""

    impressions: int = 0
    clicks: int = 0
    hides: int = 0
    conversions: int = 0
    conversion_value: int = 0
    """Order amounts attributed to the campaign, fen."""
    spent: int = 0
    """Fen charged over the campaign's life."""
    day: int = -1
    """The day `day_spent` belongs to."""
    day_spent: int = 0
    owed_millifen: int = 0
    """CPM spend not yet charged (below one fen), carried to the next impression."""

    def spent_on(self, day: int) -> int:
        """Fen charged on `day` (0 when the last charge was on another day)."""
        return self.day_spent if self.day == day else 0


COUNTERS: tuple[str, ...] = (
    "impressions", "clicks", "hides", "conversions", "conversion_value", "spent"
)  # fmt: skip
"""`Delivery` fields that add up across campaigns (platform totals)."""


@dataclass(slots=True)
class Campaign:
    id: int
    owner_id: int
    spec: CampaignSpec
    status: CampaignStatus
    created_at: float
    delivery: Delivery = field(default_factory=Delivery)
    allowance: int | None = None
    """Fen this ad server may still charge before it is granted more: a sharded
    deployment's share of the budget left (docs/sharding.md, "Ad budgets"). None: one
    server holds the whole budget, and only the budgets cap its charges."""


@dataclass(slots=True)
class AdImpression:
    """One ad shown to one viewer, with the price its auction set (bid units)."""

    id: int
    campaign_id: int
    account_id: int
    price: int
    day: int
    created_at: float
    clicked: bool = False
    converted: bool = False


@dataclass(slots=True)
class AdPlacement:
    """What makes a feed item an ad: the campaign that won the slot and its impression."""

    impression_id: int
    campaign_id: int
    kind: CampaignKind
    price: int
    """The auction's price, in the campaign's bid unit."""


@dataclass(slots=True)
class FeedItem:
    """One slot of a home feed: an organic post, or a campaign's creative when `ad` is set.

    Not frozen, nor is `AdPlacement`, though nothing changes either once built: every feed
    page builds one a slot, and a frozen dataclass's `__init__` costs about four times a
    plain one's.
    """

    post: Post
    ad: AdPlacement | None = None
