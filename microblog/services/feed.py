"""The home feed: the home timeline with ads in a fixed share of its slots.

Slots are numbered from the top of the feed across pages. With ad load `a`, slot `i`
carries an ad exactly when floor((i + 1) * a) > floor(i * a), so the first `m` slots always
hold floor(m * a) ad slots; for a = 1 / (k + 1) that is one ad after every k organic posts
(a = 0.2: posts, posts, posts, posts, ad, ...). A page holds the organic posts of one home
timeline page and the ad slots that follow each of them, so ad positions do not depend on
the page size. The organic part is `Timelines.home` unchanged, with the same cursor, and an
ad slot no campaign wins is left out (the posts simply continue). With ad load 0 the feed
is the home timeline. Slots are counted by timeline rank, so a deleted post hidden from a
page still counts as a slot.
"""

from __future__ import annotations

import functools
from fractions import Fraction
from itertools import islice

from microblog.ads_models import FeedItem
from microblog.models import Page
from microblog.services.ad_server import AdServer
from microblog.services.context import Context
from microblog.services.cursors import parse_timeline_cursor
from microblog.services.timelines import Timelines

LOAD_PRECISION = 10_000
"""Ad load is applied as an exact fraction with this denominator at most (0.1 is 1/10)."""


@functools.cache
def ad_fraction(ad_load: float) -> Fraction:
    return Fraction(ad_load).limit_denominator(LOAD_PRECISION)


def organic_slot(rank: int, load: Fraction) -> int:
    """Slot of the organic post at timeline `rank` (0 = top of the feed)."""
    # The first m slots hold m - floor(m * load) organic posts, at most m * (1 - load) + 1,
    # so the post at `rank` cannot sit before slot rank / (1 - load) - 1. Whole-number
    # arithmetic on load = p / q: every feed page computes this for each of its posts.
    p, q = load.numerator, load.denominator
    slots = rank * q // (q - p)
    while slots - slots * p // q < rank + 1:
        slots += 1
    return slots - 1


def ad_slots_after(first: int, count: int, load: Fraction) -> list[int]:
    """Ad slots after each of the `count` organic posts from rank `first`: between the post
    at each rank and the next. Only the first post's slot is solved for; each next post
    takes the first slot after it that is not an ad's (a step or two, where solving for
    each again costs a division and its correction every post of every feed page)."""
    p, q = load.numerator, load.denominator
    slot, found = organic_slot(first, load), []
    for _ in range(count):
        after = slot + 1
        while (after + 1) * p // q > after * p // q:
            after += 1
        found.append(after - slot - 1)
        slot = after
    return found


class Feed:
    def __init__(self, ctx: Context, timelines: Timelines, server: AdServer) -> None:
        self.ctx = ctx
        self.timelines = timelines
        self.server = server

    def home(self, viewer_id: int, cursor: str | None = None, limit: int = 20) -> Page[FeedItem]:
        """One page of the viewer's home feed: `limit` timeline posts plus their ad slots."""
        page = self.timelines.home(viewer_id, cursor, limit)
        load, first = ad_fraction(self.ctx.config.ad_load), parse_timeline_cursor(cursor)[0]
        slots = ad_slots_after(first, len(page.items), load)
        ads = iter(self.server.serve(viewer_id, sum(slots), {p.id for p in page.items}))
        items: list[FeedItem] = []
        for post, after in zip(page.items, slots, strict=True):
            items.append(FeedItem(post))
            if after:  # most posts have no ad slot after them: no islice made for those
                items.extend(islice(ads, after))
        return Page(items, page.next_cursor)
