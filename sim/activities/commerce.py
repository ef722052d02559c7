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

- Diversion (`model: diversion`): a product impression is instead clicked through to the
  partner's store with probability `partner.click_probability` (times the same lifts); the
  partner pays the platform `partner.diversion_fee` for it (`sim.activities.partner`), and
  the partner's store sells the product with probability `partner.store_conversion`: an
  order and GMV off the platform, with no coins moving on it and no commission.
- Fading: with `novelty_half_life_days`, the chance of an order (or a diversion) halves
  every that many days from the start; with `merchant_churn_per_week`, each merchant quits
  selling at a moment drawn once (exponential, at that weekly hazard): from then on its
  scheduled posts are plain posts and its shop is no longer browsed.

Measured: `commerce.orders`, `commerce.gmv`, `commerce.impressions`, `commerce.conversion`
(orders per product impression), `revenue.commerce` (the platform's commission; on-platform
only) and, with diversion, `commerce.diversions`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from microblog.ads_models import AdPlacement, CampaignKind, FeedItem
from microblog.models import Post
from microblog.money_models import Order, ProductPost
from sim.activities.base import Call, Steps, succeeded
from sim.activities.partner import Partner
from sim.activities.social import Social
from sim.arrivals import SECONDS_PER_DAY
from sim.economy import FEN_PER_YUAN, Economy
from sim.intervals import Estimate, Intervals, poisson_count, present, wilson
from sim.measure import Metrics, RunningTotals
from sim.population import Kind
from sim.wallets import Wallets
from sim.world import World

ON_PLATFORM = ("commerce.orders", "commerce.gmv", "revenue.commerce", "impressions")
DIVERTED = ("commerce.orders", "commerce.gmv", "commerce.diversions", "impressions")
UNITS = {"commerce.orders": "count", "commerce.gmv": "coins", "revenue.commerce": "coins",
         "commerce.diversions": "count"}  # fmt: skip
DAYS_PER_WEEK = 7
ENDORSING = frozenset({"like", "repost"})


class Commerce:
    def __init__(
        self,
        world: World,
        social: Social,
        economy: Economy,
        wallets: Wallets,
        partner: Partner | None,
    ) -> None:
        """`partner` is the diversion model's partner; None buys on the platform."""
        self.world = world
        self.partner = partner
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
        self.endorsed: list[Callable[[int, int], None]] = []
        """Told (product index, account) of each endorsement made here (a shard tells the
        other shards, `sim.shards.shard`)."""
        self.quitted: list[Callable[[int], None]] = []
        """Told the row of each merchant whose quitting was found here (a shard tells the
        other shards, whose shop browsing must stop picking it)."""
        self.tally = RunningTotals(ON_PLATFORM if partner is None else DIVERTED)
        self._serial = itertools.count(1)
        self.quits = self._quitting_times()
        """(moment, merchant row) of each merchant that will quit selling, soonest last."""
        self.quit: set[int] = set()
        social.readers.append(self)
        social.reacted.append(self.reacted)

    # Posting

    def scheduled_post(self, row: int) -> Steps:
        """An influencer's or merchant's scheduled post: a product post at its share."""
        kind = Kind(self.world.population.kind[row])
        actor = self.world.account(row)
        self.merchants_quit()
        if kind is Kind.MERCHANT:
            share, (lo, hi) = self.config.merchant_product_post_share, self.products_of[row]
            if row in self.quit:
                share = 0.0
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
            self.listed(posted[1])

    def listed(self, link: ProductPost) -> None:
        """A product post, made here or (on a shard) replicated from another shard."""
        self.product_posts[link.post_id] = (self.index[link.product_id],
                                            link.influencer_id is not None)  # fmt: skip

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
        self.merchants_quit()
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
        if self.partner is None:
            chance = self.config.conversion_probability
        else:
            chance = self.config.partner.click_probability
        if self.endorsed_by_friend(actor, index):
            chance *= self.config.friend_endorsement_lift
        if by_influencer:
            chance *= self.config.influencer_promotion_lift
        if self.world.draws.uniform() >= chance * self.novelty():
            return
        if self.partner is not None:
            yield self.partner.diversion(row, post_id, partial(self._sold_off_platform, index))
            return
        self.wallets.ensure(row, actor)
        if self.blog.payments.balance(actor) < self.price[index]:
            return
        product_id = int(self.catalogue.product_ids[index])
        key = f"sim-order-{next(self._serial)}"
        action = partial(self._buy, row, actor, product_id, post_id, ad, key)
        order = yield Call("order", action, {"product_id": product_id, "post_id": post_id,
                                                "idempotency_key": key})  # fmt: skip
        if succeeded(order):
            self._endorse_here(index, actor)

    def _buy(
        self, row: int, buyer: int, product_id: int, post_id: int | None,
        ad: AdPlacement | None, key: str,
    ) -> Order:  # fmt: skip
        """Place the order and count it with the money it moved, in the call: counted after
        the buyer's pause, an order placed within a pause of the run's end moved coins the
        metrics never saw (the ledger's commission exceeded `revenue.commerce`)."""
        order = self.blog.orders.place(buyer, product_id, post_id=post_id, idempotency_key=key)
        self.tally.add("commerce.orders", 1)
        self.tally.add("commerce.gmv", order.amount_fen / FEN_PER_YUAN)
        self.tally.add("revenue.commerce", order.platform_fen / FEN_PER_YUAN)
        self.world.client_revenue.add("commerce", row, order.platform_fen / FEN_PER_YUAN)
        if ad is not None:
            self.blog.ads.record_conversion(ad.impression_id, order.amount_fen)
        return order

    def _sold_off_platform(self, index: int) -> None:
        """A diversion happened: the partner's store may sell the product (GMV, no coins)."""
        self.tally.add("commerce.diversions", 1)
        if self.world.draws.uniform() < self.config.partner.store_conversion:
            self.tally.add("commerce.orders", 1)
            self.tally.add("commerce.gmv", self.price[index] / FEN_PER_YUAN)

    def novelty(self) -> float:
        """How much of product posts' first pull is left (`novelty_half_life_days`)."""
        half_life = self.config.novelty_half_life_days
        if half_life is None:
            return 1.0
        return 0.5 ** (self.world.env.now / SECONDS_PER_DAY / half_life)

    def _quitting_times(self) -> list[tuple[float, int]]:
        """Each merchant's moment of quitting, at the weekly hazard (none without churn)."""
        weekly = self.config.merchant_churn_per_week
        if weekly == 0:
            return []
        mean_s = DAYS_PER_WEEK * SECONDS_PER_DAY / -math.log1p(-weekly)
        moments = self.world.rng.exponential(mean_s, len(self.merchants)).tolist()
        return sorted(zip(moments, self.merchants, strict=True), reverse=True)

    def keep_quits_of(self, rows: np.ndarray) -> None:
        """Draw on as ever, but keep the quitting moments of merchants whose `rows` entry is
        true (a shard draws only its own merchants' quits; the others' are theirs)."""
        self.quits = [(moment, row) for moment, row in self.quits if rows[row]]

    def merchants_quit(self) -> None:
        """Merchants whose moment has come stop selling."""
        now, quitting = self.world.env.now, set()
        while self.quits and self.quits[-1][0] <= now:
            quitting.add(self.quits.pop()[1])
        if quitting:
            self.stop_selling(quitting)
            for row in sorted(quitting):
                for listener in self.quitted:
                    listener(row)

    def stop_selling(self, quitting: set[int]) -> None:
        """`quitting` merchants' posts are plain posts from now on and their shops are no
        longer browsed (found here, or on another shard: `merchant_quit`)."""
        self.quit |= quitting
        self.merchants = [m for m in self.merchants if m not in quitting]

    def endorsed_by_friend(self, actor: int, index: int) -> bool:
        endorsers = self.endorsers.get(index)
        return endorsers is not None and bool(self.blog.graph.friends_among(actor, endorsers))

    def reacted(self, row: int, post: Post, kind: str) -> None:
        found = self.product_posts.get(post.id)
        if found is not None and kind in ENDORSING:
            self._endorse_here(found[0], self.world.account(row))

    def endorse(self, index: int, account: int) -> None:
        """`account` liked, reposted or bought product `index` (here or on another shard)."""
        self.endorsers.setdefault(index, set()).add(account)

    def _endorse_here(self, index: int, account: int) -> None:
        self.endorse(index, account)
        for listener in self.endorsed:
            listener(index, account)

    # Measurement

    def window_opened(self) -> None:
        self.tally.open_window()

    def interval_row(self) -> dict[str, float]:
        changed = self.tally.interval()
        del changed["impressions"]
        return changed

    def metrics(self) -> Metrics:
        done = self.tally.window()
        seen = done.pop("impressions")
        metrics: Metrics = {name: (value, UNITS[name]) for name, value in done.items()}
        metrics["commerce.impressions"] = (seen, "count")
        if seen:
            metrics["commerce.conversion"] = (done["commerce.orders"] / seen, "ratio")
        return metrics

    def intervals(self) -> Intervals:
        """Orders and diversions Poisson, money compound sums, conversion a proportion."""
        done = self.tally.window()
        found: dict[str, Estimate | None] = {
            name: poisson_count(value) if UNITS[name] == "count" else self.tally.compound(name)
            for name, value in done.items()
            if name in UNITS
        }
        found["commerce.conversion"] = wilson(done["commerce.orders"], done["impressions"])
        return present(found)
