"""Index of live campaigns by targeted interest, best bid first, for ad retrieval.

A real ad server does not score every campaign on every page: it looks up the campaigns a
viewer can be reached by (an inverted index from targeted interest to campaigns, plus the
untargeted ones) and walks them in bid order, stopping once it has enough candidates. This
index is that lookup for the memory backend. Each bucket is one (interest, bid type) pair,
`None` standing for campaigns that target no interest; a bucket is a list of
(-bid, campaign id) kept sorted, so walking it yields the highest bid first and, on equal
bids, the older campaign. CPM and CPC buckets are merged on expected fen per thousand
impressions, a CPC bid valued at the click rate the caller gives, which is a monotone
rescaling of each CPC bucket and so keeps every bucket's order.

Viewers share interest sets (a few hundred sets cover thousands of readers), and the live
set changes only when a campaign starts, stops or runs out of budget, so each merged order
is kept per (interests, click rate) until the index next changes. It is merged lazily, only
as far as walks have read, since a walk stops after a few eligible campaigns.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from microblog.ads_models import BidType, CampaignSpec

Bucket = tuple[str | None, BidType]


@dataclass
class LiveIndex:
    buckets: dict[Bucket, list[tuple[int, int]]] = field(default_factory=dict)
    indexed: set[int] = field(default_factory=set)
    merged: dict[tuple[tuple[str, ...], float], _MergedOrder] = field(default_factory=dict)
    """Walk orders begun, by (interests, click rate); emptied on every change."""

    @staticmethod
    def _keys(spec: CampaignSpec) -> list[Bucket]:
        interests: Iterable[str | None] = spec.targeting.interests or [None]
        return [(interest, spec.bid_type) for interest in dict.fromkeys(interests)]

    def add(self, campaign_id: int, spec: CampaignSpec) -> None:
        if campaign_id in self.indexed:
            return
        self.indexed.add(campaign_id)
        self.merged.clear()
        for key in self._keys(spec):
            insort(self.buckets.setdefault(key, []), (-spec.bid, campaign_id))

    def remove(self, campaign_id: int, spec: CampaignSpec) -> None:
        if campaign_id not in self.indexed:
            return
        self.indexed.discard(campaign_id)
        self.merged.clear()
        entry = (-spec.bid, campaign_id)
        for key in self._keys(spec):
            bucket = self.buckets[key]
            del bucket[bisect_left(bucket, entry)]

    def walk(self, interests: Iterable[str], click_rate: float) -> Iterator[int]:
        """Ids of campaigns untargeted or targeting one of `interests`, best value first.

        Each id comes once. The buckets must not change while the walk is consumed.
        """
        key = (tuple(interests), click_rate)
        order = self.merged.get(key)
        if order is None:
            order = self.merged[key] = _MergedOrder(self._merge(key[0], click_rate))
        return order.walk()

    def _merge(self, interests: tuple[str, ...], click_rate: float) -> Iterator[int]:
        streams = []
        for interest in (None, *interests):
            for bid_type, per_fen in ((BidType.CPM, 1.0), (BidType.CPC, click_rate * 1000)):
                bucket = self.buckets.get((interest, bid_type))
                if bucket:
                    streams.append(_valued(bucket, per_fen))
        done: set[int] = set()
        for _, campaign_id in heapq.merge(*streams):
            if campaign_id not in done:
                done.add(campaign_id)
                yield campaign_id


class _MergedOrder:
    """A merge read so far, shared by the walks that reuse it: the ids merged up to now,
    then more from the merge itself when a walk reads past them."""

    __slots__ = ("_read", "_rest")

    def __init__(self, merge: Iterator[int]) -> None:
        self._read: list[int] = []
        self._rest = merge

    def walk(self) -> Iterator[int]:
        yield from self._read
        for campaign_id in self._rest:
            self._read.append(campaign_id)
            yield campaign_id


def _valued(bucket: list[tuple[int, int]], per_fen: float) -> Iterator[tuple[float, int]]:
    return ((negative_bid * per_fen, campaign_id) for negative_bid, campaign_id in bucket)
