"""Ads tables of the memory backend (attached to `MemoryData` as `ads`).

Live campaigns (active with total budget left) are also kept in a `LiveIndex` by targeted
interest, updated when a campaign is created, changes status or spends its last fen, so
retrieval reads only the campaigns that can reach a viewer.
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from microblog.ads_models import (
    COUNTERS,
    AdImpression,
    Campaign,
    CampaignSpec,
    CampaignStatus,
    Delivery,
)
from microblog.models import Profile
from microblog.store.base import any_campaign
from microblog.store.columns import ColumnTable
from microblog.store.memory_ad_index import LiveIndex
from microblog.store.paging import page_sorted
from microblog.store.records import replace
from microblog.work import record

IMPRESSION_FIELDS = {
    "campaign_id": "q",
    "account_id": "q",
    "price": "q",
    "day": "l",
    "created_at": "d",
    "clicked": "b",
    "converted": "b",
}


def _impression(impressions: ColumnTable, impression_id: int) -> AdImpression:
    campaign_id, account_id, price, day, created_at, clicked, converted = impressions[impression_id]
    return AdImpression(
        impression_id,
        int(campaign_id),
        int(account_id),
        int(price),
        int(day),
        created_at,
        bool(clicked),
        bool(converted),
    )


def _pair(campaign_id: int, account_id: int) -> int:
    """One int for a (campaign, account) key: half the memory of a tuple and its ints."""
    return campaign_id << 32 | account_id


@dataclass
class MemoryAdsData:
    campaign_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    campaigns: dict[int, Campaign] = field(default_factory=dict)
    owned: defaultdict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    impressions: ColumnTable = field(default_factory=lambda: ColumnTable(IMPRESSION_FIELDS))
    seen: defaultdict[tuple[int, int], Counter[int]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    """(account, day) -> impressions per campaign."""
    latest: dict[int, int] = field(default_factory=dict)
    """`_pair(campaign, account)` -> newest impression id."""
    hides: defaultdict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    live: LiveIndex = field(default_factory=LiveIndex)
    held: dict[int, float] = field(default_factory=dict)
    """Campaign -> when pacing releases it (`hold`); out of `live` until then."""
    releases: list[tuple[float, int]] = field(default_factory=list)
    """Heap of (until, campaign) for `held`; entries a later hold replaced are skipped."""


def _live(campaign: Campaign) -> bool:
    """Active with total budget (and any allowance) left; its dates are checked when it is
    read."""
    return (
        campaign.status is CampaignStatus.ACTIVE
        and campaign.delivery.spent < campaign.spec.total_budget
        and (campaign.allowance is None or campaign.allowance > 0)
    )


def _copy(campaign: Campaign) -> Campaign:
    """Specs never change after creation; only the delivery counters need copying."""
    c = campaign
    return Campaign(
        c.id, c.owner_id, c.spec, c.status, c.created_at, replace(c.delivery), c.allowance
    )


class MemoryAds:
    def __init__(self, data: MemoryAdsData) -> None:
        self.d = data

    def create(self, owner_id: int, spec: CampaignSpec, created_at: float) -> Campaign:
        campaign = Campaign(
            next(self.d.campaign_ids), owner_id, spec, CampaignStatus.ACTIVE, created_at
        )
        self.d.campaigns[campaign.id] = campaign
        self.d.owned[owner_id].append(campaign.id)
        self._reindex(campaign)
        record(db_writes=1)
        return _copy(campaign)

    def get(self, campaign_id: int) -> Campaign | None:
        campaign = self.d.campaigns.get(campaign_id)
        record(db_reads=1 if campaign else 0)
        return _copy(campaign) if campaign else None

    def by_owner(self, owner_id: int, before: int | None, limit: int) -> list[Campaign]:
        ids = page_sorted(self.d.owned.get(owner_id, []), before, limit)
        record(db_reads=len(ids))
        return [_copy(self.d.campaigns[i]) for i in ids]

    def set_status(self, campaign_id: int, status: CampaignStatus) -> None:
        campaign = self.d.campaigns[campaign_id]
        campaign.status = status
        self._reindex(campaign)
        record(db_writes=1)

    def _reindex(self, campaign: Campaign) -> None:
        if _live(campaign) and campaign.id not in self.d.held:
            self.d.live.add(campaign.id, campaign.spec)
        else:
            self.d.live.remove(campaign.id, campaign.spec)

    def hold(self, campaign_id: int, until: float) -> None:
        self.d.held[campaign_id] = until
        heapq.heappush(self.d.releases, (until, campaign_id))
        self._reindex(self.d.campaigns[campaign_id])
        record(db_writes=1)

    def _release(self, now: float) -> None:
        """Put back the held campaigns whose time has come."""
        releases, held = self.d.releases, self.d.held
        while releases and releases[0][0] <= now:
            until, campaign_id = heapq.heappop(releases)
            if held.get(campaign_id) == until:
                del held[campaign_id]
                self._reindex(self.d.campaigns[campaign_id])

    def reaching(
        self,
        profile: Profile,
        now: float,
        click_rate: float,
        wanted: Callable[[Campaign], bool] = any_campaign,
    ) -> Iterator[Campaign]:
        """Index lookup by the viewer's interests; every campaign the walk reads counts,
        including those its dates, region, gender and age targeting or `wanted` then rule
        out. Those are ruled out on the stored record, so only the campaigns handed out are
        copied (a page walks past many it may not show: capped, hidden, ahead of pacing).
        The reads are recorded as a batch before each campaign handed out and at the end,
        not one call a campaign: a walk left unfinished has read nothing since its last."""
        self._release(now)
        campaigns = self.d.campaigns
        read = 0
        for campaign_id in self.d.live.walk(profile.interests, click_rate):
            campaign = campaigns[campaign_id]
            read += 1
            spec = campaign.spec
            live_now = spec.start <= now < spec.end
            if live_now and spec.targeting.matches(profile) and wanted(campaign):
                record(db_reads=read)
                read = 0
                yield _copy(campaign)
        record(db_reads=read)

    def hidden(self, account_id: int) -> set[int]:
        found = set(self.d.hides.get(account_id, ()))
        record(db_reads=len(found))
        return found

    def seen(self, account_id: int, day: int) -> dict[int, int]:
        found = dict(self.d.seen.get((account_id, day), {}))
        record(db_reads=len(found))
        return found

    def add_impression(
        self, campaign_id: int, account_id: int, price: int, day: int, created_at: float
    ) -> AdImpression:
        impression_id = self.d.impressions.append(
            (campaign_id, account_id, price, day, created_at, False, False)
        )
        self.d.seen[(account_id, day)][campaign_id] += 1
        self.d.latest[_pair(campaign_id, account_id)] = impression_id
        self.d.campaigns[campaign_id].delivery.impressions += 1
        record(db_writes=2)
        return AdImpression(impression_id, campaign_id, account_id, price, day, created_at)

    def add_spend(self, campaign_id: int, day: int, fen: int, owed_millifen: int) -> None:
        delivery = self.d.campaigns[campaign_id].delivery
        delivery.day_spent = delivery.spent_on(day) + fen
        delivery.day = day
        delivery.spent += fen
        delivery.owed_millifen = owed_millifen
        campaign = self.d.campaigns[campaign_id]
        if campaign.allowance is not None:
            campaign.allowance -= fen
        self._reindex(campaign)
        record(db_writes=1)

    def grant(self, campaign_id: int, allowance: int, day: int, day_spent: int) -> None:
        """A sharded deployment's barrier (docs/sharding.md, "Ad budgets"): this server may
        charge `allowance` fen more, and the campaign has spent `day_spent` fen on `day` over
        every server (what its pacing and daily budget then count from). Not a transaction
        of its own: the simulator applies it between windows, outside any request."""
        campaign = self.d.campaigns[campaign_id]
        campaign.allowance = allowance
        campaign.delivery.day, campaign.delivery.day_spent = day, day_spent
        self._reindex(campaign)

    def impression(self, impression_id: int) -> AdImpression | None:
        found = impression_id in self.d.impressions
        record(db_reads=1 if found else 0)
        return _impression(self.d.impressions, impression_id) if found else None

    def latest_impression(self, campaign_id: int, account_id: int) -> AdImpression | None:
        impression_id = self.d.latest.get(_pair(campaign_id, account_id))
        return self.impression(impression_id) if impression_id is not None else None

    def mark_clicked(self, impression_id: int, campaign_id: int) -> bool:
        if self.d.impressions.value(impression_id, "clicked"):
            return False
        self.d.impressions.set(impression_id, "clicked", True)
        self.d.campaigns[campaign_id].delivery.clicks += 1
        record(db_writes=2)
        return True

    def mark_converted(self, impression_id: int, campaign_id: int, amount: int) -> bool:
        if self.d.impressions.value(impression_id, "converted"):
            return False
        self.d.impressions.set(impression_id, "converted", True)
        delivery = self.d.campaigns[campaign_id].delivery
        delivery.conversions += 1
        delivery.conversion_value += amount
        record(db_writes=2)
        return True

    def hide(self, account_id: int, campaign_id: int) -> bool:
        if campaign_id in self.d.hides[account_id]:
            return False
        self.d.hides[account_id].add(campaign_id)
        self.d.campaigns[campaign_id].delivery.hides += 1
        record(db_writes=2)
        return True

    def totals(self) -> Delivery:
        total = Delivery()
        for campaign in self.d.campaigns.values():
            for name in COUNTERS:
                setattr(total, name, getattr(total, name) + getattr(campaign.delivery, name))
        record(db_reads=len(self.d.campaigns))
        return total
