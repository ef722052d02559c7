"""The influencers' and merchants' scheduled posts due for one load-test session.

The simulator's big Vs, medium Vs and merchants post on their own timetable
(sim/activities/schedule.py); here each session brings Poisson(mean) posts of each posting
kind, with the means of loadtests.generator.session_mix, so they keep the simulator's ratio
to sessions. Each is written as one of the seeded accounts of its kind, drawn uniformly
(the big V, the medium Vs, the merchants), without thinking (the simulator's scheduled
posts do not pause). As in sim/activities/commerce.py, a merchant's post sells one of its
own products with probability `economy.commerce.merchant_product_post_share` and an
influencer's promotes any seeded product, for commission, with
`influencer_product_post_share` (`product_post`); the others are plain posts (`post`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from loadtests.generator.session_mix import Poster, scheduled_posts_per_session
from loadtests.generator.users.api import bearer, product_post, publish
from loadtests.generator.users.feed_readers import PRODUCT_POSTS
from loadtests.records.seeded import Priced, ProductPostRef

if TYPE_CHECKING:
    from loadtests.generator.users.session import SessionUser


class ScheduledPoster:
    """Writes the scheduled posts due for each of one user's sessions."""

    def __init__(self, user: SessionUser) -> None:
        self.user = user
        means = scheduled_posts_per_session(user.scenario)
        self.kinds: list[Poster] = list(means)
        self.means = np.array(list(means.values()))
        population, economy = user.population, user.economy
        self.authors: dict[Poster, list[str]] = {
            "big_v": [population.tokens[population.big_v]],
            "medium_v": [population.tokens[i] for i in population.influencers],
            "merchant": [economy.merchant_tokens[m] for m in sorted(economy.merchant_tokens)],
        }
        stock = {owner: economy.shops[shop] for shop, owner in economy.shop_owners.items()}
        self.stock = [stock.get(m, []) for m in sorted(economy.merchant_tokens)]

    def post(self) -> None:
        """This session's share of the scheduled posts."""
        counts = self.user.rng.poisson(self.means).tolist()
        for kind, count in zip(self.kinds, counts, strict=True):
            for _ in range(count if self.authors[kind] else 0):
                self._post_as(kind)

    def _post_as(self, kind: Poster) -> None:
        user, commerce = self.user, self.user.scenario.economy.commerce
        author = int(user.rng.integers(len(self.authors[kind])))
        headers = bearer(self.authors[kind][author])
        if kind == "merchant":
            share, products = commerce.merchant_product_post_share, self.stock[author]
        else:
            share, products = commerce.influencer_product_post_share, user.economy.products
        if products and user.rng.random() < share:
            self._sell(headers, products[int(user.rng.integers(len(products)))], kind)
        else:
            publish(user.client, headers, user.text(f"{kind} post"))

    def _sell(self, headers: dict[str, str], product: Priced, kind: Poster) -> None:
        post_id = product_post(self.user.client, headers, product.id, self.user.text("product"))
        if post_id is not None:
            PRODUCT_POSTS[post_id] = ProductPostRef(
                product_id=product.id, price_fen=product.price_fen, by_influencer=kind != "merchant"
            )
