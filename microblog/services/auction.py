"""Generalised second-price auction for one feed slot, on quality-weighted expected value.

Bids are compared on their expected fen per thousand impressions (eCPM: a CPM bid as is,
a CPC bid times its predicted click-through rate) scaled by the ad's quality for this
viewer. The winner pays the least whole fen, in its own bid unit, that would still beat
the runner-up's score, never more than it bid and never less than the reserve price;
a lone bidder pays the reserve. Bids worth less than the reserve do not take part.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from microblog.ads_models import BidType

PRECISION = 6
"""Decimals kept before rounding to whole fen, so float noise (200.00000000000003)
never adds or drops a fen."""


@dataclass(slots=True)
class Bid:
    campaign_id: int
    bid_type: BidType
    amount: int
    """Fen per mille (CPM) or per click (CPC)."""
    ctr: float
    """Predicted click-through rate (used by CPC bids)."""
    quality: float
    """Positive weight for this viewer (see `targeting.quality`)."""
    ecpm: float = field(init=False)
    """Expected fen per thousand impressions."""
    score: float = field(init=False)
    """What the ranking compares: `ecpm` scaled by `quality`."""

    def __post_init__(self) -> None:
        """Worked out once: ranking a page's bids and pricing its slots read them often."""
        self.ecpm = self.in_ecpm(self.amount)
        self.score = self.ecpm * self.quality

    def in_ecpm(self, price: float) -> float:
        return price if self.bid_type is BidType.CPM else price * self.ctr * 1000

    def in_bid_units(self, ecpm: float) -> float:
        return ecpm if self.bid_type is BidType.CPM else ecpm / (self.ctr * 1000)


@dataclass(slots=True)
class Award:
    campaign_id: int
    price: int
    """What the winner pays, in its bid unit (fen per mille or per click)."""


def run_auction(bids: Sequence[Bid], reserve_cpm: int) -> Award | None:
    """The winner of one slot and its price; None when no bid reaches the reserve."""
    return award(ranked(bids, reserve_cpm), reserve_cpm)


def ranked(bids: Iterable[Bid], reserve_cpm: int) -> list[Bid]:
    """The bids that reach the reserve, best score first (ties: lower campaign id).

    A page's slots are auctioned among the same bids less each slot's winner, so a page
    ranks once and drops winners from the front rather than sorting again per slot.
    """
    return sorted(
        (b for b in bids if round(b.ecpm, PRECISION) >= reserve_cpm),
        key=lambda b: (-b.score, b.campaign_id),
    )


def award(ranking: Sequence[Bid], reserve_cpm: int) -> Award | None:
    """The award of a slot among bids already `ranked`: the first wins at the runner-up's
    price; None when there are none."""
    if not ranking:
        return None
    winner = ranking[0]
    price = math.ceil(round(winner.in_bid_units(reserve_cpm), PRECISION))
    if len(ranking) > 1:
        to_tie = winner.in_bid_units(ranking[1].score / winner.quality)
        price = max(price, math.floor(round(to_tie, PRECISION)) + 1)
    return Award(winner.campaign_id, min(winner.amount, price))
