"""Social commerce: product posts, shop browsing and orders paid through the ledger.

- Posting: `merchant_product_post_share` of a merchant's scheduled posts sell one of its
  products, and `influencer_product_post_share` of a big or medium V's posts promote a
  product drawn from the whole catalogue, for commission (`shops.post_product`, path
  `product_post`; the rest are plain `post`s).
- Seeing: every product post a user sees in their feed (from accounts they follow, or a
  merchant's promotion in an ad slot) is a product impression; so is every product on the
  page of a shop the user browses (`per_session.shop_browse`, a shop picked at random). A
  promotion whose product is in none of the user's interests counts into their
  `untargeted_product_posts` exposure for churn.
- Buying: an impression becomes an order with probability `conversion_probability`, times
  `friend_endorsement_lift` when a friend (mutual follow) liked, reposted or bought the
  product, times `influencer_promotion_lift` when the post is an influencer's. The order
  (path `order`) goes through `orders.place` (through the post, so its influencer earns
  commission), its value moving from the buyer's wallet to the merchant, the platform and
  the influencer; an order from a promotion is attributed to the ad impression. Users start with
  `economy.starting_balance` coins (`sim.wallets`) and do not try to buy what they cannot
  afford; merchants do not buy from themselves.

Measured: `commerce.orders`, `commerce.gmv`, `commerce.conversion` (orders per product
impression) and `revenue.commerce` (the platform's commission).
"""

from __future__ import annotations

import itertools
from functools import partial
from typing import Any

import numpy as np

from microblog.ads_models import AdPlacement, CampaignKind, FeedItem
from microblog.models import Post
from microblog.money_models import Order
from sim.activities.base import Call, Steps, succeeded
from sim.activities.social import Social
from sim.economy import FEN_PER_YUAN, Economy
from sim.measure import Metrics, Tally
from sim.population import Kind
from sim.wallets import Wallets
from sim.world import World

MEASURED = ("commerce.orders", "commerce.gmv", "revenue.commerce", "impressions")
ENDORSING = frozenset({"like", "repost"})


class Commerce:
    def __init__(self, world: World, social: Social, economy: Economy, wallets: Wallets) -> None:
        self.world = world
        self.blog = world.blog
        self.social = social
        self.wallets = wallets
        self.config = world.scenario.economy.commerce
        self.browse = world.scenario.behaviour.per_session.shop_browse
        self.page_size = world.scenario.behaviour.page_size
        catalogue = economy.catalogue
        self.catalogue = catalogue
        self.index = {pid: i for i, pid in enumerate(catalogue.product_ids.tolist())}
        self.price = catalogue.price_fen.tolist()
        self.merchants = sorted(catalogue.shop_ids)
        bounds = np.searchsorted(catalogue.merchant, self.merchants + [self.world.population.size])
        self.products_of = {m: (int(lo), int(hi)) for m, lo, hi in
                            zip(self.merchants, bounds[:-1], bounds[1:], strict=True)}  # fmt: skip
        self.product_posts: dict[int, tuple[int, bool]] = {}
        """Product index and whether an influencer posted it, by post id."""
        for plan in economy.campaigns:
            if plan.spec.kind is CampaignKind.PROMOTION:
                link = self.blog.shops.post_link(plan.spec.post_id)
                self.product_posts[plan.spec.post_id] = (self.index[link.product_id], False)
        self.endorsers: dict[int, set[int]] = {}
        """Accounts that liked, reposted or bought each product (by product index), each once:
        a buyer who also liked the post is one endorsement to check, not two."""
        self.tally = Tally(MEASURED)
        self._serial = itertools.count(1)
        social.readers.append(self)
        social.reacted.append(self.reacted)

    # Posting

    def scheduled_post(self, row: int) -> Steps:
        """An influencer's or merchant's scheduled post: a product post at its share."""
        kind = Kind(self.world.population.kind[row])
        actor = self.world.account(row)
        if kind is Kind.MERCHANT:
            share, (lo, hi) = self.config.merchant_product_post_share, self.products_of[row]
        else:
            share, (lo, hi) = self.config.influencer_product_post_share, (0, self.catalogue.size)
        draws = self.world.draws
        if hi == lo or draws.uniform() >= share:
            yield self.social.post(actor)
            return
        index = lo + draws.index(hi - lo)
        product_id = int(self.catalogue.product_ids[index])
        text = f"product post {next(self._serial)}"
        action = partial(self.blog.shops.post_product, actor, product_id, text)
        posted = yield Call("product_post", action, {"product_id": product_id, "text": text})
        if succeeded(posted):
            post, link = posted
            self.product_posts[post.id] = (index, link.influencer_id is not None)

    # Seeing and buying

    def seen(self, row: int, items: list[FeedItem]) -> Steps:
        interests = self.world.population.profiles.interests[row]
        untargeted = self.world.users.exposure["untargeted_product_posts"]
        for item in items:
            found = self.product_posts.get(item.post.id)
            if found is None:
                continue
            index, by_influencer = found
            if item.ad is not None and not interests[self.catalogue.topic[index]]:
                untargeted[row] += 1
            yield from self.consider(row, index, item.post.id, item.ad, by_influencer)

    def plan(self, rows: np.ndarray) -> list[bool | None]:
        browsing = self.world.rng.random(rows.size) < self.browse
        return [True if browses else None for browses in browsing.tolist()]

    def steps(self, row: int, plan: Any) -> Steps:
        """Browse the first page of a shop picked at random (not the user's own)."""
        merchant = self.world.draws.pick(self.merchants) if self.merchants else row
        if merchant == row:
            return
        shop_id = self.catalogue.shop_ids[merchant]
        action = partial(self.blog.shops.products, shop_id, None, self.page_size)
        page = yield Call("shop_browse", action, {"shop_id": shop_id, "limit": self.page_size})
        if succeeded(page):
            for product in page.items:
                yield from self.consider(row, self.index[product.id], None, None, False)

    def consider(
        self, row: int, index: int, post_id: int | None, ad: AdPlacement | None, by_influencer: bool
    ) -> Steps:
        """One product impression: buy it, or not."""
        if self.catalogue.merchant[index] == row:
            return
        self.tally.add("impressions", 1)
        actor = self.world.account(row)
        chance = self.config.conversion_probability
        if self.endorsed_by_friend(actor, index):
            chance *= self.config.friend_endorsement_lift
        if by_influencer:
            chance *= self.config.influencer_promotion_lift
        if self.world.draws.uniform() >= chance:
            return
        self.wallets.ensure(row, actor)
        if self.blog.payments.balance(actor) < self.price[index]:
            return
        product_id = int(self.catalogue.product_ids[index])
        key = f"sim-order-{next(self._serial)}"
        action = partial(self._buy, actor, product_id, post_id, ad, key)
        order = yield Call("order", action, {"product_id": product_id, "post_id": post_id,
                                                "idempotency_key": key})  # fmt: skip
        if succeeded(order):
            self.endorsers.setdefault(index, set()).add(actor)
            self.tally.add("commerce.orders", 1)
            self.tally.add("commerce.gmv", order.amount_fen / FEN_PER_YUAN)
            self.tally.add("revenue.commerce", order.platform_fen / FEN_PER_YUAN)

    def _buy(
        self, buyer: int, product_id: int, post_id: int | None, ad: AdPlacement | None, key: str
    ) -> Order:
        order = self.blog.orders.place(buyer, product_id, post_id=post_id, idempotency_key=key)
        if ad is not None:
            self.blog.ads.record_conversion(ad.impression_id, order.amount_fen)
        return order

    def endorsed_by_friend(self, actor: int, index: int) -> bool:
        endorsers = self.endorsers.get(index)
        return endorsers is not None and bool(self.blog.graph.friends_among(actor, endorsers))

    def reacted(self, row: int, post: Post, kind: str) -> None:
        found = self.product_posts.get(post.id)
        if found is not None and kind in ENDORSING:
            self.endorsers.setdefault(found[0], set()).add(self.world.account(row))

    # Measurement

    def window_opened(self) -> None:
        self.tally.open_window()

    def interval_row(self) -> dict[str, float]:
        changed = self.tally.interval()
        del changed["impressions"]
        return changed

    def metrics(self) -> Metrics:
        done = self.tally.window()
        orders, seen = done["commerce.orders"], done["impressions"]
        metrics: Metrics = {
            "commerce.orders": (orders, "count"),
            "commerce.gmv": (done["commerce.gmv"], "coins"),
            "revenue.commerce": (done["revenue.commerce"], "coins"),
        }
        if seen:
            metrics["commerce.conversion"] = (orders / seen, "ratio")
        return metrics
