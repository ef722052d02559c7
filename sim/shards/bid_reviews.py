"""Advertisers' bid reviews across shards: the whole campaign read, its relaunch everywhere.

An advertiser's review runs on its own shard (its arrival's row), once a day at the start
of the day, which is a barrier. Its report call is real and priced there, but the report
covers that shard's ad servers only; the driver's grant at the barrier carries the
campaign's spend and clicks over all shards (`sim.shards.budgets`), so the review reads
those (`delivered`): the bid it chooses is the one an unsharded review of the same
delivery would choose.

A relaunch is a pause and a new campaign (`campaign_change` twice), both on the
advertiser's shard. The pause travels to every other shard (`campaign`: its status), whose
ad servers stop serving the old campaign from the barrier on. The new campaign takes an id
unique over shards (shard s takes first + s, first + s + K, ...), starts with no
allowance on its own shard (it serves nowhere before the driver has split its budget),
joins the driver's budgets through the window's report (`AdWindow.created`), and reaches
every other shard (`campaign_launch`), which stores it with no allowance and gives it the
topic and pricing of the campaign it replaced; the grants of the barrier that follows its
launch open it on every shard at once. So a relaunched campaign is off the air for the
rest of the window of its launch, at most one window (W = 1 s by default).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from microblog.ads_config import AdsConfig
from microblog.ads_models import Campaign, CampaignStatus, Delivery
from microblog.services.ads import CampaignReport
from microblog.services.pacing import day_of
from microblog.store.memory import MemoryStore
from microblog.store.memory_ads import MemoryAds
from sim.activities.ads import Ads
from sim.activities.base import Call
from sim.shards.budgets import AdWindow, Budget, Grants

Send = Callable[[int, str, tuple[Any, ...]], None]
"""Puts a message for every other shard in the outbox: (kind, payload)."""


class ShardBidReviews:
    """The whole campaigns' delivery for reviews, and relaunches told to every shard."""

    def __init__(
        self,
        ads: Ads,
        store: MemoryStore,
        window: Callable[[], AdWindow],
        to_others: Callable[[str, tuple[Any, ...]], None],
        clock: Callable[[], float],
        config: AdsConfig,
    ) -> None:
        self.ads = ads
        self.store = store
        self.window = window
        self.to_others = to_others
        self.clock = clock
        self.config = config
        self.whole: dict[int, tuple[int, int]] = {}
        """(spent, clicks) of each campaign over all shards, as of its last grant."""
        self.paused_by: dict[int, int] = {}
        """The campaign each advertiser of this shard paused last (its relaunch replaces it)."""

    def install(self) -> None:
        self.ads.delivered = self.delivered

    def granted(self, grants: Grants) -> None:
        for campaign_id, grant in grants.items():
            self.whole[campaign_id] = (grant.spent, grant.clicks)

    def delivered(self, campaign_id: int, report: CampaignReport) -> tuple[int, int]:
        """The campaign's (spent, clicks) over all shards, as of the last barrier."""
        return self.whole.get(campaign_id, (report.spent, report.clicks))

    def clicked(self, _actor: int, call: Call, counted: bool) -> None:
        """An ad click (`ad_click`): the driver sums the whole campaign's clicks."""
        if counted:
            self.window().clicks[call.params["campaign_id"]] += 1

    def changed(self, actor: int, call: Call, campaign: Campaign) -> None:
        """A review's pause or its new campaign (`campaign_change`), for every shard."""
        if "status" in call.params:
            self.paused_by[actor] = campaign.id
            self.to_others("campaign", (campaign.id, campaign.status))
            return
        replaced = self.paused_by.pop(actor)
        MemoryAds(self.store.data.ads).grant(campaign.id, 0, day_of(self.clock(), self.config), 0)
        spec = campaign.spec
        self.window().created[campaign.id] = Budget(
            spec.total_budget, spec.daily_budget, spec.bid, spec.bid_type, 0
        )
        self.to_others("campaign_launch", (campaign, replaced))

    def status(self, campaign_id: int, status: CampaignStatus) -> None:
        """Another shard's advertiser paused (or resumed) its campaign."""
        MemoryAds(self.store.data.ads).set_status(campaign_id, status)

    def launched(self, campaign: Campaign, replaced: int) -> None:
        """Another shard's advertiser launched `campaign` in place of `replaced`: stored
        here with no allowance until the driver's grant at this barrier."""
        data = self.store.data.ads
        data.campaigns[campaign.id] = Campaign(
            campaign.id, campaign.owner_id, campaign.spec, campaign.status,
            campaign.created_at, Delivery(), 0,
        )  # fmt: skip
        data.owned[campaign.owner_id].append(campaign.id)
        MemoryAds(data).set_status(campaign.id, campaign.status)
        self.ads.launched(campaign.id, replaced)
