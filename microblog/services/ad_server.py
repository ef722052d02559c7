"""Serving ads into feed slots: eligible campaigns, one auction per slot, paid impressions.

Two stages, as real ad servers work: retrieval walks the store's index of live campaigns
that can reach the viewer, best bid first (a CPC bid valued at the prior click rate),
and keeps the first `AdsConfig.retrieval_depth` eligible ones; the auction then ranks
those on their full score (predicted click rate and relevance).

A page's ad slots are served in one write transaction, so budgets, frequency caps and
charges see every impression before them even when many readers load feeds at once.
A campaign is eligible for a viewer when it is live (active, inside its dates, total
budget left), on its pacing schedule (one found ahead of it is held out of retrieval until
the schedule catches up, or the next day once its daily budget is spent: real ad servers
drop throttled campaigns from the index rather than reject them on every page), under
the viewer's daily frequency cap, not hidden by the viewer, not the viewer's own, not
already on the page, matches the viewer's profile (the store's lookup sees to that) and,
for a merchant's promotion, the viewer does not already follow the merchant.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from itertools import islice

from microblog.ads_config import AdsConfig
from microblog.ads_models import AdPlacement, Campaign, CampaignKind, Delivery, FeedItem
from microblog.errors import NotFound
from microblog.models import Account, Post
from microblog.services.ad_billing import CampaignBilling, PageCharges
from microblog.services.auction import Bid, award, ranked
from microblog.services.context import Context
from microblog.services.pacing import back_on_schedule_at, day_of, released_share
from microblog.services.targeting import quality
from microblog.store.base import Tx


@dataclass(slots=True)
class Viewer:
    """What eligibility needs to know about the reader of one page.

    Not frozen, nor are `Candidate` and `auction.Bid`: every feed page builds one viewer and
    ten candidates and bids, and a frozen dataclass's `__init__` (`object.__setattr__` per
    field) costs about four times a plain one's. Nothing changes them once built.
    """

    account: Account
    hidden: set[int]
    seen: dict[int, int]
    """Impressions per campaign today."""
    on_page: set[int]
    """Organic posts already on the page."""
    now: float
    day: int
    released: float
    """Share of a daily budget a campaign may have spent by `now` (pacing)."""


@dataclass(slots=True)
class Candidate:
    campaign: Campaign
    post: Post
    bid: Bid


def predicted_ctr(delivery: Delivery, config: AdsConfig) -> float:
    """Observed CTR shrunk towards the prior, so new campaigns are neither starved nor
    favoured until they have a history."""
    weight = config.ctr_prior_impressions
    return (delivery.clicks + config.ctr_prior * weight) / (delivery.impressions + weight)


class AdServer:
    def __init__(self, ctx: Context, billing: CampaignBilling) -> None:
        self.ctx = ctx
        self.billing = billing

    def serve(self, viewer_id: int, slots: int, on_page: Collection[int] = ()) -> list[FeedItem]:
        """Fill up to `slots` ad slots in order, one auction each.

        Stops at the first slot no campaign wins: that slot and the rest carry no ad.
        """
        if slots <= 0:
            return []
        with self.ctx.store.write() as tx:
            viewer = self._viewer(tx, viewer_id, on_page)
            pool = self._candidates(tx, viewer)
            ranking = ranked([c.bid for c in pool.values()], self.ctx.config.ads.reserve_cpm)
            page = PageCharges()
            served: list[FeedItem] = []
            while len(served) < slots and (item := self._fill(tx, viewer, pool, ranking, page)):
                served.append(item)
        return served

    def _viewer(self, tx: Tx, viewer_id: int, on_page: Collection[int]) -> Viewer:
        account = tx.accounts.get(viewer_id)
        if account is None:
            raise NotFound(f"no account {viewer_id}")
        now = self.ctx.clock()
        day = day_of(now, self.ctx.config.ads)
        hidden, seen = tx.ads.hidden(viewer_id), tx.ads.seen(viewer_id, day)
        released = released_share(now, self.ctx.config.ads)
        return Viewer(account, hidden, seen, set(on_page), now, day, released)

    def _candidates(self, tx: Tx, viewer: Viewer) -> dict[int, Candidate]:
        config = self.ctx.config.ads
        ahead: list[tuple[int, float]] = []

        def wanted(c: Campaign) -> bool:
            return (
                self._on_schedule(c, viewer, ahead)
                and self._eligible(c, viewer)
                and self._reaches(tx, c, viewer)
            )

        reaching = tx.ads.reaching(viewer.account.profile, viewer.now, config.ctr_prior, wanted)
        live = list(islice(reaching, config.retrieval_depth))
        for campaign_id, until in ahead:
            tx.ads.hold(campaign_id, until)
        posts = tx.posts.get_many(sorted({c.spec.post_id for c in live}))
        return {
            c.id: Candidate(c, post, self._bid(c, viewer.account))
            for c in live
            if (post := posts.get(c.spec.post_id)) is not None and not post.deleted
        }

    def _eligible(self, campaign: Campaign, viewer: Viewer) -> bool:
        spec = campaign.spec
        return (
            campaign.owner_id != viewer.account.id
            and campaign.id not in viewer.hidden
            and viewer.seen.get(campaign.id, 0) < spec.frequency_cap
            and spec.post_id not in viewer.on_page
        )

    def _on_schedule(
        self, campaign: Campaign, viewer: Viewer, ahead: list[tuple[int, float]]
    ) -> bool:
        """Within what pacing has released of its daily budget; else noted in `ahead` with
        the moment its schedule catches up, to be held out of retrieval until then (for
        every viewer alike) once the walk is done."""
        spent, daily = campaign.delivery.spent_on(viewer.day), campaign.spec.daily_budget
        if spent < daily * viewer.released:
            return True
        until = back_on_schedule_at(spent, daily, viewer.now, self.ctx.config.ads)
        ahead.append((campaign.id, until))
        return False

    @staticmethod
    def _reaches(tx: Tx, campaign: Campaign, viewer: Viewer) -> bool:
        """Promotions buy reach beyond the merchant's followers, so skip those."""
        if campaign.spec.kind is not CampaignKind.PROMOTION:
            return True
        return not tx.graph.exists(viewer.account.id, campaign.owner_id)

    def _bid(self, campaign: Campaign, viewer: Account) -> Bid:
        config, spec = self.ctx.config.ads, campaign.spec
        ctr = predicted_ctr(campaign.delivery, config)
        weight = quality(spec.targeting, viewer.profile, config)
        return Bid(campaign.id, spec.bid_type, spec.bid, ctr, weight)

    def _fill(
        self,
        tx: Tx,
        viewer: Viewer,
        pool: dict[int, Candidate],
        ranking: list[Bid],
        page: PageCharges,
    ) -> FeedItem | None:
        """Auction one slot among the pool's `ranking`; a winner that cannot pay leaves it
        and the slot is re-run."""
        reserve = self.ctx.config.ads.reserve_cpm
        while (won := award(ranking, reserve)) is not None:
            del ranking[0]  # the winner is first, and leaves whether it pays or not
            candidate = pool[won.campaign_id]
            if self.billing.impression(tx, candidate.campaign, won.price, viewer.day, page):
                placed = self._place(tx, candidate.campaign, won.price, viewer)
                return FeedItem(candidate.post, placed)
        return None

    @staticmethod
    def _place(tx: Tx, campaign: Campaign, price: int, viewer: Viewer) -> AdPlacement:
        impression = tx.ads.add_impression(
            campaign.id, viewer.account.id, price, viewer.day, viewer.now
        )
        return AdPlacement(impression.id, campaign.id, campaign.spec.kind, price)
