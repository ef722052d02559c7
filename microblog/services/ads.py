"""Ads: campaigns of advertisers and merchants, viewers' clicks and hides, conversions, reports.

Advertisers run `ad` campaigns; merchants buy `promotion` campaigns (paid reach for one
of their product posts among non-followers) through the same machinery. Only a campaign's
owner may read, pause, resume or report on it. Serving lives in `ad_server`, feeds in
`feed`; charges go through `ad_billing` to the ledger.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from microblog.ads_config import AdsConfig
from microblog.ads_models import (
    AdImpression,
    Campaign,
    CampaignKind,
    CampaignSpec,
    CampaignStatus,
    Delivery,
)
from microblog.errors import Forbidden, Invalid, NotFound
from microblog.models import MAX_ID, Page, Role
from microblog.services.ad_billing import AdBilling, CampaignBilling
from microblog.services.ad_server import AdServer
from microblog.services.certification_rules import require_certified
from microblog.services.context import Context
from microblog.services.cursors import next_id_cursor, parse_id_cursor
from microblog.services.pacing import day_of
from microblog.store.base import Tx

OWNER_ROLE = {CampaignKind.AD: Role.ADVERTISER, CampaignKind.PROMOTION: Role.MERCHANT}


@dataclass(frozen=True, slots=True)
class CampaignReport:
    """Delivery of a campaign (or of every campaign) with its rates."""

    impressions: int
    clicks: int
    hides: int
    ctr: float | None
    """Clicks per impression; None before the first impression."""
    spent: int
    conversions: int
    conversion_value: int
    cost_per_conversion: float | None
    """Fen spent per conversion; None before the first conversion."""

    @classmethod
    def of(cls, d: Delivery) -> CampaignReport:
        return cls(
            impressions=d.impressions,
            clicks=d.clicks,
            hides=d.hides,
            ctr=d.clicks / d.impressions if d.impressions else None,
            spent=d.spent,
            conversions=d.conversions,
            conversion_value=d.conversion_value,
            cost_per_conversion=d.spent / d.conversions if d.conversions else None,
        )


class Ads:
    def __init__(self, ctx: Context, billing: AdBilling) -> None:
        self.ctx = ctx
        self.billing = CampaignBilling(billing)
        self.server = AdServer(ctx, self.billing)

    def create_campaign(self, owner_id: int, spec: CampaignSpec) -> Campaign:
        """Start a campaign (active at once; it serves between `spec.start` and `spec.end`)."""
        check_spec(spec)
        with self.ctx.store.write() as tx:
            self._check_owner(tx, owner_id, spec)
            return tx.ads.create(owner_id, spec, self.ctx.clock())

    def campaign(self, actor_id: int, campaign_id: int) -> Campaign:
        with self.ctx.store.read() as tx:
            return self._owned(tx, actor_id, campaign_id)

    def campaigns(
        self, owner_id: int, cursor: str | None = None, limit: int = 20
    ) -> Page[Campaign]:
        """The owner's campaigns, newest first."""
        limit = self.ctx.page_limit(limit)
        with self.ctx.store.read() as tx:
            found = tx.ads.by_owner(owner_id, parse_id_cursor(cursor), limit)
        return Page(found, next_id_cursor([c.id for c in found], limit))

    def pause(self, actor_id: int, campaign_id: int) -> Campaign:
        return self._set_status(actor_id, campaign_id, CampaignStatus.PAUSED)

    def resume(self, actor_id: int, campaign_id: int) -> Campaign:
        """Serve again, after a pause or after topping up an unfunded campaign's wallet."""
        return self._set_status(actor_id, campaign_id, CampaignStatus.ACTIVE)

    def report(self, actor_id: int, campaign_id: int) -> CampaignReport:
        return CampaignReport.of(self.campaign(actor_id, campaign_id).delivery)

    def totals(self) -> CampaignReport:
        """Every campaign together: the platform's ad revenue is `spent`."""
        with self.ctx.store.read() as tx:
            return CampaignReport.of(tx.ads.totals())

    def click(self, viewer_id: int, impression_id: int) -> bool:
        """Count a click on an ad the viewer was shown; CPC campaigns pay for the first."""
        with self.ctx.store.write() as tx:
            impression = self._shown_to(tx, viewer_id, impression_id)
            if not tx.ads.mark_clicked(impression.id, impression.campaign_id):
                return False
            campaign = tx.ads.get(impression.campaign_id)
            assert campaign is not None, "impressions belong to campaigns"
            self.billing.click(tx, campaign, impression, day_of(self.ctx.clock(), self.config))
            return True

    def hide(self, viewer_id: int, impression_id: int) -> bool:
        """ "Not interested": the viewer is never shown that campaign again."""
        with self.ctx.store.write() as tx:
            impression = self._shown_to(tx, viewer_id, impression_id)
            return tx.ads.hide(viewer_id, impression.campaign_id)

    def record_conversion(self, impression_id: int, amount: int) -> bool:
        """Attribute an order of `amount` fen to the impression that led to it (once)."""
        with self.ctx.store.write() as tx:
            impression = tx.ads.impression(impression_id)
            if impression is None:
                raise NotFound(f"no ad impression {impression_id}")
            return self._convert(tx, impression, amount)

    def attribute_conversion(self, account_id: int, campaign_id: int, amount: int) -> bool:
        """Attribute an order to the buyer's latest impression of the campaign, if it falls
        inside the attribution window and has not converted yet."""
        with self.ctx.store.write() as tx:
            impression = tx.ads.latest_impression(campaign_id, account_id)
            window = self.config.attribution_window_s
            if impression is None or self.ctx.clock() - impression.created_at > window:
                return False
            return self._convert(tx, impression, amount)

    @property
    def config(self) -> AdsConfig:
        return self.ctx.config.ads

    @staticmethod
    def _convert(tx: Tx, impression: AdImpression, amount: int) -> bool:
        if amount < 0:
            raise Invalid(f"amount must be at least 0 fen, got {amount}", field="amount")
        return tx.ads.mark_converted(impression.id, impression.campaign_id, amount)

    def _set_status(self, actor_id: int, campaign_id: int, status: CampaignStatus) -> Campaign:
        with self.ctx.store.write() as tx:
            self._owned(tx, actor_id, campaign_id)
            tx.ads.set_status(campaign_id, status)
            return self._owned(tx, actor_id, campaign_id)

    @staticmethod
    def _owned(tx: Tx, actor_id: int, campaign_id: int) -> Campaign:
        campaign = tx.ads.get(campaign_id)
        if campaign is None:
            raise NotFound(f"no campaign {campaign_id}")
        if campaign.owner_id != actor_id:
            raise Forbidden(f"campaign {campaign_id} belongs to another account")
        return campaign

    @staticmethod
    def _shown_to(tx: Tx, viewer_id: int, impression_id: int) -> AdImpression:
        impression = tx.ads.impression(impression_id)
        if impression is None:
            raise NotFound(f"no ad impression {impression_id}")
        if impression.account_id != viewer_id:
            raise Forbidden(f"ad impression {impression_id} was shown to another account")
        return impression

    @staticmethod
    def _check_owner(tx: Tx, owner_id: int, spec: CampaignSpec) -> None:
        owner = tx.accounts.get(owner_id)
        if owner is None:
            raise NotFound(f"no account {owner_id}")
        role = OWNER_ROLE[spec.kind]
        if role is Role.MERCHANT:
            require_certified(owner, role, f"run {spec.kind.value} campaigns")
        elif owner.role is not role:
            raise Forbidden(f"only {role.value} accounts may run {spec.kind.value} campaigns")
        post = tx.posts.get(spec.post_id)
        if post is None or post.deleted:
            raise NotFound(f"no post {spec.post_id}", field="post_id")
        if post.author_id != owner_id or post.group_id is not None:
            raise Forbidden(f"post {spec.post_id} is not a public post of yours", field="post_id")
        if spec.kind is CampaignKind.PROMOTION and tx.shops.post_link(spec.post_id) is None:
            raise Invalid(
                f"post {spec.post_id} sells no product: promotions need a product post",
                field="post_id",
            )


def check_spec(spec: CampaignSpec) -> None:
    """Refuse numbers no campaign can run with, naming the field."""
    for name in ("bid", "daily_budget", "total_budget", "frequency_cap"):
        if not 1 <= getattr(spec, name) <= MAX_ID:
            raise Invalid(
                f"{name} must be from 1 to {MAX_ID}, got {getattr(spec, name)}", field=name
            )
    if not (math.isfinite(spec.start) and math.isfinite(spec.end) and spec.start < spec.end):
        raise Invalid(
            f"end must be a time after start, got start={spec.start}, end={spec.end}", field="end"
        )
