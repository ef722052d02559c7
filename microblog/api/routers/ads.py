"""Campaigns (advertisers and merchants), the home feed with ads, and viewers' ad actions."""

from __future__ import annotations

from fastapi import APIRouter, status

from microblog.api.ads_schemas import (
    CampaignCreate,
    CampaignPublic,
    CampaignReportPublic,
    CampaignsPage,
    FeedPage,
)
from microblog.api.deps import BearerToken, Blog, CurrentAccountId, Operator
from microblog.api.offload import LoopRoute
from microblog.api.params import Cursor, Id, Limit
from microblog.api.schemas import Changed

router = APIRouter(tags=["ads"], route_class=LoopRoute)


@router.post("/campaigns", status_code=status.HTTP_201_CREATED)
def create_campaign(
    body: CampaignCreate, account_id: CurrentAccountId, blog: Blog
) -> CampaignPublic:
    """Start a campaign: advertisers run `ad`s, merchants `promotion`s of their own posts."""
    return CampaignPublic.of(blog.ads.create_campaign(account_id, body.to_spec()))


@router.get("/campaigns")
def my_campaigns(
    account_id: CurrentAccountId, blog: Blog, cursor: Cursor = None, limit: Limit = 20
) -> CampaignsPage:
    return CampaignsPage.of(blog.ads.campaigns(account_id, cursor, limit))


@router.get("/campaigns/{campaign_id}")
def get_campaign(campaign_id: Id, account_id: CurrentAccountId, blog: Blog) -> CampaignPublic:
    return CampaignPublic.of(blog.ads.campaign(account_id, campaign_id))


@router.post("/campaigns/{campaign_id}/pause")
def pause(campaign_id: Id, account_id: CurrentAccountId, blog: Blog) -> CampaignPublic:
    return CampaignPublic.of(blog.ads.pause(account_id, campaign_id))


@router.post("/campaigns/{campaign_id}/resume")
def resume(campaign_id: Id, account_id: CurrentAccountId, blog: Blog) -> CampaignPublic:
    """Serve again after a pause, or after topping up when a charge failed ('unfunded')."""
    return CampaignPublic.of(blog.ads.resume(account_id, campaign_id))


@router.get("/campaigns/{campaign_id}/report")
def report(campaign_id: Id, account_id: CurrentAccountId, blog: Blog) -> CampaignReportPublic:
    return CampaignReportPublic.of(blog.ads.report(account_id, campaign_id))


@router.get("/timeline/home/feed")
def home_feed(token: BearerToken, blog: Blog, cursor: Cursor = None, limit: Limit = 20) -> FeedPage:
    """The home timeline with ads in the configured share of slots; `limit` counts posts.

    Takes the same cursor as /timeline/home; items are posts or ads (`kind`).
    """
    viewer_id = blog.accounts.account_id_for(token)
    page = blog.feed.home(viewer_id, cursor, limit)
    return FeedPage.of(page, blog.albums.removed(item.post for item in page.items))


@router.post("/ads/impressions/{impression_id}/click")
def click(impression_id: Id, account_id: CurrentAccountId, blog: Blog) -> Changed:
    """Click an ad you were shown; cost-per-click campaigns pay for the first click."""
    return Changed(changed=blog.ads.click(account_id, impression_id))


@router.post("/ads/impressions/{impression_id}/hide")
def hide(impression_id: Id, account_id: CurrentAccountId, blog: Blog) -> Changed:
    """'Not interested': you are never shown that campaign again."""
    return Changed(changed=blog.ads.hide(account_id, impression_id))


@router.get("/admin/stats/ads", tags=["admin"], dependencies=[Operator])
def ad_totals(blog: Blog) -> CampaignReportPublic:
    """Every campaign together (operator token): the platform's ad revenue is `spent`."""
    return CampaignReportPublic.of(blog.ads.totals())
