"""What a load-test session does about the feed it read: ads, product posts, shop browsing.

Mirrors sim/activities/ads.py and commerce.py:

- `AdViewer`: each advertiser's ad seen is clicked with probability `economy.ads.ctr_base`,
  times `targeted_ctr_lift` when the viewer is interested in the campaign's topic
  (`ad_click`), else hidden with `dismiss_probability` (`ad_hide`). Seeded accounts have
  profiles drawn as the simulator draws them (scenario.profiles), so targeted campaigns
  reach whom they would reach there.
- `Shopper`: every product post seen (an influencer's or merchant's post in the feed, a
  merchant's promotion in an ad slot) and every product on a browsed shop's first page
  (`per_session.shop_browse`, a seeded shop picked uniformly) is an impression that becomes
  an `order` with probability `economy.commerce.conversion_probability`, times
  `influencer_promotion_lift` for an influencer's post; an order from a post goes through
  it, so its influencer earns commission. The simulator also lifts conversion when a friend
  endorsed the product, which the load test cannot see; and it attributes promotion orders
  to the ad impression through the service layer, which the HTTP API does not offer.

Product posts are known from the seeding (the plan's economy) and, for those written
during the test, from this process's `PRODUCT_POSTS`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loadtests.generator.users.api import SeenAd, SeenPost, ad_click, ad_hide, shop_browse
from loadtests.records.seeded import ProductPostRef

if TYPE_CHECKING:
    from loadtests.generator.users.payments import Payer
    from loadtests.generator.users.session import SessionUser

PRODUCT_POSTS: dict[int, ProductPostRef] = {}
"""Product posts written in this process during the test, by post id."""


class AdViewer:
    """Clicks and hides the advertisers' ads a user sees."""

    def __init__(self, user: SessionUser) -> None:
        self.user = user
        self.config = user.scenario.economy.ads
        interests = set(user.population.interests[user.account])
        self.lift = {
            campaign.id: self.config.targeted_ctr_lift if campaign.topic in interests else 1.0
            for campaign in user.economy.campaigns
        }

    def seen(self, ads: list[SeenAd]) -> None:
        user = self.user
        for ad in ads:
            if ad.kind != "ad":
                continue
            if user.rng.random() < self.config.ctr_base * self.lift.get(ad.campaign_id, 1.0):
                user.think()
                ad_click(user.client, user.headers, ad.impression_id)
            elif user.rng.random() < self.config.dismiss_probability:
                user.think()
                ad_hide(user.client, user.headers, ad.impression_id)


class Shopper:
    """Turns product impressions into orders (see module docstring)."""

    def __init__(self, user: SessionUser, payer: Payer) -> None:
        self.user = user
        self.payer = payer
        self.config = user.scenario.economy.commerce
        self.shops = sorted(user.economy.shops)

    def seen(self, posts: list[SeenPost], ads: list[SeenAd]) -> None:
        known = self.user.economy.product_posts
        for post in posts + [ad.post for ad in ads]:
            ref = known.get(post.id) or PRODUCT_POSTS.get(post.id)
            if ref is not None:
                self.consider(ref.product_id, post.id, ref.by_influencer)

    def browse(self) -> None:
        """Browse the first page of a shop picked at random, with `shop_browse`'s chance."""
        user = self.user
        if not self.shops or user.rng.random() >= user.scenario.behaviour.per_session.shop_browse:
            return
        shop = self.shops[int(user.rng.integers(len(self.shops)))]
        user.think()
        page_size = user.scenario.behaviour.page_size
        for product in shop_browse(user.client, user.headers, shop, page_size):
            self.consider(int(product["id"]), None, False)

    def consider(self, product_id: int, post_id: int | None, by_influencer: bool) -> None:
        """One product impression: order one unit, or not."""
        chance = self.config.conversion_probability
        if by_influencer:
            chance *= self.config.influencer_promotion_lift
        if self.user.rng.random() < chance:
            self.user.think()
            self.payer.order(product_id, post_id)
