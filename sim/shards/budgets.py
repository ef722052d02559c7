"""Ad budgets across shards: the driver's per-shard allowances and the overspend it measures.

Every shard serves ads to its own viewers from its own copy of every campaign, so a
campaign's budget is shared by K ad servers. At each barrier the driver, which sees every
shard's charges, splits what is left of each campaign's budget (the lesser of its total
and its day's budget) into per-shard allowances: in proportion to each shard's share of
the campaign's impressions in the window just ended, plus one (so a shard that served
none is not shut out of the next window; with no impressions anywhere the split is
equal, as at the start), in whole charges (`split`). A shard charges its allowance only
(`Campaign.allowance`), so the shards together never charge more than the budget left:
overspend is zero by construction and bounded, whatever the split, by K × a window's
impressions × the bid (what every shard could charge in one window past a budget). The
driver measures it anyway, from the charges themselves, so a flaw in the split shows as
`ads.overspend` rather than hiding.

Only campaigns some shard served, charged, clicked or launched in the window are granted
again (the others' allowances still hold), and every campaign at the first barrier of a
day, when its daily budget starts afresh. A grant also carries the campaign's spend and
clicks over all shards, so its owner's bid review reads the whole campaign's delivery as
of the barrier (`sim.shards.ad_billing`), and a campaign relaunched by a review joins the
budgets at the barrier after its launch.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from microblog.ads_config import AdsConfig
from microblog.ads_models import BidType
from microblog.services.ad_billing import MILLI
from microblog.services.pacing import day_of
from scenario.seed_draws import FEN_PER_YUAN
from sim.measure import Metrics


@dataclass(frozen=True, slots=True)
class Budget:
    """What the driver must know of a campaign to split and check its budget."""

    total: int
    daily: int
    bid: int
    bid_type: BidType
    spent: int
    """Fen charged before the run (seeding)."""
    clicks: int = 0
    """Clicks before the run (seeding)."""

    @property
    def charge(self) -> int:
        """The most one event charges, whole fen: a click at the bid, or an impression."""
        return self.bid if self.bid_type is BidType.CPC else -(-self.bid // MILLI)


@dataclass(frozen=True, slots=True)
class Grant:
    """A shard's allowance of one campaign, and the campaign's spend on `day` over all
    shards at the barrier (its pacing and daily budget count from it)."""

    allowance: int
    day: int
    day_spent: int
    spent: int = 0
    """The campaign's fen charged over all shards (and before the run): what its owner's
    report reads at a bid review."""
    clicks: int = 0
    """Its clicks over all shards (and before the run), likewise."""


Grants = dict[int, Grant]
"""One shard's grants, by campaign id."""


@dataclass
class AdWindow:
    """What a shard's ad servers did in one window: impressions and fen charged."""

    impressions: Counter[int] = field(default_factory=Counter)
    """Campaign -> impressions served."""
    spend: Counter[tuple[int, int]] = field(default_factory=Counter)
    """(campaign, day) -> fen charged."""
    unfunded: set[int] = field(default_factory=set)
    """Campaigns whose owner's wallet (on this shard) could not pay another shard's charge."""
    clicks: Counter[int] = field(default_factory=Counter)
    """Campaign -> clicks counted."""
    created: dict[int, Budget] = field(default_factory=dict)
    """Campaigns an advertiser of this shard launched (a bid review's relaunch)."""


class AdBudgets:
    """The driver's view of every campaign's spend, and the allowances it grants."""

    def __init__(self, budgets: dict[int, Budget], shards: int, config: AdsConfig) -> None:
        self.budgets = budgets
        self.shards = shards
        self.config = config
        self.spent = {campaign: budget.spent for campaign, budget in budgets.items()}
        self.clicks = {campaign: budget.clicks for campaign, budget in budgets.items()}
        self.day_spent: Counter[tuple[int, int]] = Counter()
        self.impressions: defaultdict[int, list[int]] = defaultdict(lambda: [0] * shards)
        """Each campaign's impressions per shard in the window just ended."""
        self.touched: set[int] = set()
        """Campaigns some shard served or charged in the window just ended."""
        self.busiest: Counter[int] = Counter()
        """Each campaign's most impressions over all shards in one window."""
        self.day: int | None = None
        self.unfunded: set[int] = set()

    def record(self, windows: Sequence[AdWindow]) -> None:
        """Take in one window's reports (shard k's at index k)."""
        self.impressions.clear()
        self.touched.clear()
        for shard, window in enumerate(windows):
            for campaign, budget in window.created.items():
                self.budgets[campaign] = budget
                self.spent[campaign], self.clicks[campaign] = budget.spent, budget.clicks
                self.touched.add(campaign)
            for campaign, count in window.clicks.items():
                self.clicks[campaign] += count
                self.touched.add(campaign)
            for campaign, count in window.impressions.items():
                self.impressions[campaign][shard] += count
                self.touched.add(campaign)
            for (campaign, day), fen in window.spend.items():
                self.spent[campaign] += fen
                self.day_spent[campaign, day] += fen
                self.touched.add(campaign)
            self.unfunded |= window.unfunded
            self.touched |= window.unfunded
        for campaign, counts in self.impressions.items():
            self.busiest[campaign] = max(self.busiest[campaign], sum(counts))

    def grants(self, now: float) -> list[Grants]:
        """Every shard's new allowances at the barrier at clock time `now`."""
        day = day_of(now, self.config)
        campaigns = sorted(self.budgets if day != self.day else self.touched)
        self.day = day
        found: list[Grants] = [{} for _ in range(self.shards)]
        for campaign in campaigns:
            budget, day_spent = self.budgets[campaign], self.day_spent[campaign, day]
            left = max(0, min(budget.total - self.spent[campaign], budget.daily - day_spent))
            if campaign in self.unfunded:
                left = 0
            counts = self.impressions.get(campaign, [0] * self.shards)
            spent, clicks = self.spent[campaign], self.clicks[campaign]
            for shard, allowance in enumerate(self.split(left, counts, budget.charge)):
                found[shard][campaign] = Grant(allowance, day, day_spent, spent, clicks)
        return found

    def split(self, left: int, impressions: list[int], charge: int) -> list[int]:
        """The shards' allowances of `left` fen (`split`; a test injects a careless one)."""
        return split(left, impressions, charge)

    def overspend(self) -> dict[int, int]:
        """Fen each campaign was charged past its total budget and past each day's."""
        over: Counter[int] = Counter()
        for campaign, budget in self.budgets.items():
            over[campaign] += max(0, self.spent[campaign] - budget.total)
        for (campaign, _), fen in self.day_spent.items():
            over[campaign] += max(0, fen - self.budgets[campaign].daily)
        return dict(over)

    def bound(self, campaign: int) -> float:
        """Fen the design allows a campaign past its budget: every shard charging a whole
        window's impressions at its bid (a CPC campaign at most one click each)."""
        budget = self.budgets[campaign]
        per = budget.bid / MILLI if budget.bid_type is BidType.CPM else budget.bid
        return self.shards * self.busiest[campaign] * per

    def metrics(self) -> Metrics:
        """`ads.overspend` and its worst campaign's (none without campaigns)."""
        if not self.budgets:
            return {}
        over = self.overspend()
        return {
            "ads.overspend": (sum(over.values()) / FEN_PER_YUAN, "coins"),
            "ads.overspend.worst_campaign": (max(over.values(), default=0) / FEN_PER_YUAN,
                                             "coins"),
        }  # fmt: skip


def split(left: int, impressions: Sequence[int], charge: int = 1) -> list[int]:
    """`left` fen in parts proportional to `impressions` plus one each, in whole `charge`s
    (the units rounding leaves go to the largest remainders, ties to the lower shard) and
    what is left below one charge to the shard of the largest share: a shard is granted
    what pays whole clicks, not a part of one that would sell a click for less than its
    price (as splitting the last bid's worth of a CPC budget would)."""
    weights = [count + 1 for count in impressions]
    whole, units = sum(weights), left // charge
    parts = [units * weight // whole for weight in weights]
    by_remainder = sorted(range(len(parts)), key=lambda k: (-(units * weights[k] % whole), k))
    for shard in by_remainder[: units - sum(parts)]:
        parts[shard] += 1
    found = [part * charge for part in parts]
    found[max(range(len(weights)), key=lambda k: (weights[k], -k))] += left - units * charge
    return found
