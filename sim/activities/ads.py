"""Feed ads: what users do with the ads in their feed, and how advertisers react to returns.

The ad server (`microblog.services.feed`, `ad_server`) fills `economy.ads.load` of the
feed's slots by auction and charges CPM campaigns per impression through the ledger; this
activity is the people's side of it.

- Each advertiser's ad a user sees counts into their exposure for churn: *targeted* when the
  user is interested in the campaign's topic, *untargeted* otherwise. (Merchants'
  promotions are product posts: the commerce activity counts them.)
- The user clicks it with probability `ctr_base`, times `targeted_ctr_lift` when targeted
  (a CPC campaign pays for the click); an ad not clicked is dismissed ("not interested")
  with probability `dismiss_probability`, and that campaign is never shown to them again.
- At the start of every day after the first, each advertiser reads each running campaign's
  report and works out the previous day's return on spend, clicks × `click_value` / spend.
  Below `target_return_on_spend` it pauses the campaign and relaunches it (same creative,
  targeting and the rest of its total budget) with its bid cut by `bid_step`; above
  target × (1 + bid_step) it relaunches it with the bid raised by `bid_step`. A campaign
  that spent nothing, or whose budget is gone, is left as it is. Merchants keep their
  promotions as they are.

Measured (from the ad server's own totals, so promotions count too): `revenue.ads`,
`ads.impressions`, `ads.clicks` and `ads.ctr`. Within-run intervals: clicks Poisson, CTR a
proportion of impressions (Wilson), and ad revenue a compound sum whose Σ x² the ad
server does not keep: it is summed here from what each event was priced at, an ad shown
at its auction price (`AdPlacement.price`, millifen for a CPM campaign) and a CPC ad's
click. Charges the server then declined (a budget spent, a wallet short) still count, so
the interval is if anything wide; the server's whole-fen rounding of CPM charges moves
money between impressions, not in total, and is left out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from dataclasses import replace
from functools import partial
from typing import Any

from microblog.ads_models import AdPlacement, BidType, CampaignKind, FeedItem
from microblog.services.ad_billing import MILLI
from microblog.services.ads import CampaignReport
from scenario.seed_draws import FEN_PER_YUAN, fen
from sim.activities.base import Arrival, Call, Steps, succeeded
from sim.activities.social import Social
from sim.arrivals import SECONDS_PER_DAY, Segment
from sim.economy import CampaignPlan
from sim.intervals import Intervals, poisson_count, present, wilson
from sim.measure import Metrics, RunningTotals
from sim.world import World

MEASURED = ("revenue.ads", "ads.impressions", "ads.clicks")


class Ads:
    def __init__(self, world: World, social: Social, campaigns: list[CampaignPlan]) -> None:
        self.world = world
        self.blog = world.blog
        config = world.scenario.economy.ads
        self.config = config
        self.click_value = fen(config.click_value)
        self.topic = {plan.id: plan.topic for plan in campaigns}
        self.bid_type = {plan.id: plan.spec.bid_type for plan in campaigns}
        self.running: dict[int, list[CampaignPlan]] = {}
        for plan in campaigns:
            if plan.spec.kind is CampaignKind.AD:
                self.running.setdefault(plan.owner_row, []).append(plan)
        self.reviewed: dict[int, tuple[int, int]] = {}
        """(spent, clicks) of each campaign at its last review."""
        self.delivered: Callable[[int, CampaignReport], tuple[int, int]] = reported
        """A campaign's (spent, clicks) as its owner's review reads them: its report's here;
        a shard's report covers its own ad servers only, so it reads the whole campaign's
        (`sim.shards.ad_billing`)."""
        self.tally = RunningTotals(MEASURED)
        social.readers.append(self)

    # Viewers

    def seen(self, row: int, items: list[FeedItem]) -> Steps:
        interests = self.world.population.profiles.interests[row]
        exposure = self.world.users.exposure
        draws = self.world.draws
        actor = self.world.account(row)
        for item in items:
            ad = item.ad
            if ad is None:
                continue
            if self.bid_type.get(ad.campaign_id) is BidType.CPM:
                self._priced(row, ad.price / MILLI / FEN_PER_YUAN)
            if ad.kind is not CampaignKind.AD:
                continue  # a merchant's promotion: the commerce activity's to act on
            targeted = bool(interests[self.topic[ad.campaign_id]])
            exposure["targeted_ads" if targeted else "untargeted_ads"][row] += 1
            lift = self.config.targeted_ctr_lift if targeted else 1.0
            shown = ad.impression_id
            params = {"impression_id": shown, "campaign_id": ad.campaign_id}
            if draws.uniform() < self.config.ctr_base * lift:
                yield Call("ad_click", partial(self._click, row, actor, ad), params)
            elif draws.uniform() < self.config.dismiss_probability:
                yield Call("ad_hide", partial(self.blog.ads.hide, actor, shown), params)

    def _click(self, row: int, actor: int, ad: AdPlacement) -> bool:
        """The click, and a CPC ad's price counted in the call (after the viewer's pause, a
        click within a pause of the run's end went uncounted while its charge stood)."""
        counted = self.blog.ads.click(actor, ad.impression_id)
        if counted and self.bid_type[ad.campaign_id] is BidType.CPC:
            self._priced(row, ad.price / FEN_PER_YUAN)
        return counted

    def _priced(self, row: int, coins: float) -> None:
        """An impression or click the viewer at `row` was charged for, in coins: into the
        revenue's Σ x² and the viewer's client's share of it."""
        self.tally.add_square("revenue.ads", coins)
        self.world.client_revenue.add("ads", row, coins)

    # Advertisers

    def arrivals(self, segment: Segment) -> list[Arrival]:
        """Each advertiser's review, at the first moment of every day but the first."""
        day_start = math.ceil(segment.start_s / SECONDS_PER_DAY) * SECONDS_PER_DAY
        if day_start == 0 or day_start >= segment.end_s:
            return []
        return [Arrival(day_start, row, self._review, None, False) for row in self.running]

    def _review(self, row: int, _plan: Any) -> Steps:
        actor = self.world.account(row)
        for index, plan in enumerate(self.running[row]):
            report = yield Call(
                "campaign_report", partial(self.blog.ads.report, actor, plan.id),
                {"campaign_id": plan.id},
            )  # fmt: skip
            if not succeeded(report):
                continue
            spent, clicks = self.reviewed.get(plan.id, (0, 0))
            spent_now, clicks_now = self.delivered(plan.id, report)
            self.reviewed[plan.id] = (spent_now, clicks_now)
            bid = self.rebid(plan.spec.bid, spent_now - spent, clicks_now - clicks)
            left = plan.spec.total_budget - spent_now
            if bid == plan.spec.bid or left < 1:
                continue
            replaced = yield from self._relaunch(actor, plan, bid, left)
            if replaced is not None:
                self.running[row][index] = replaced

    def rebid(self, bid: int, spent: int, clicks: int) -> int:
        """The bid after a day that spent `spent` fen for `clicks` clicks."""
        if spent <= 0:
            return bid
        returned = clicks * self.click_value / spent
        target, step = self.config.target_return_on_spend, self.config.bid_step
        if returned < target:
            return max(1, round(bid * (1 - step)))
        if returned > target * (1 + step):
            return round(bid * (1 + step))
        return bid

    def _relaunch(
        self, actor: int, plan: CampaignPlan, bid: int, left: int
    ) -> Generator[Call, Any, CampaignPlan | None]:
        paused = yield Call(
            "campaign_change", partial(self.blog.ads.pause, actor, plan.id),
            {"campaign_id": plan.id, "status": "paused"},
        )  # fmt: skip
        if not succeeded(paused):
            return None
        spec = replace(plan.spec, bid=bid, total_budget=left, start=self.blog.ctx.clock())
        created = yield Call(
            "campaign_change", partial(self.blog.ads.create_campaign, actor, spec),
            {"post_id": spec.post_id, "bid": bid, "total_budget": left},
        )  # fmt: skip
        if not succeeded(created):
            return None
        self.topic[created.id] = plan.topic
        self.bid_type[created.id] = spec.bid_type
        return CampaignPlan(created.id, plan.owner_row, plan.topic, spec)

    def launched(self, campaign_id: int, replaced: int) -> None:
        """A campaign launched in place of `replaced` (on another shard, `campaign`): the
        same topic and pricing for the viewers who see it here."""
        self.topic[campaign_id] = self.topic[replaced]
        self.bid_type[campaign_id] = self.bid_type[replaced]

    # Measurement

    def window_opened(self) -> None:
        self._count()
        self.tally.open_window()

    def interval_row(self) -> dict[str, float]:
        self._count()
        return self.tally.interval()

    def metrics(self) -> Metrics:
        self._count()
        done = self.tally.window()
        impressions, clicks = done["ads.impressions"], done["ads.clicks"]
        metrics: Metrics = {
            "revenue.ads": (done["revenue.ads"], "coins"),
            "ads.impressions": (impressions, "count"),
            "ads.clicks": (clicks, "count"),
        }
        if impressions:
            metrics["ads.ctr"] = (clicks / impressions, "ratio")
        return metrics

    def intervals(self) -> Intervals:
        self._count()
        done = self.tally.window()
        return present({
            "revenue.ads": self.tally.compound("revenue.ads"),
            "ads.clicks": poisson_count(done["ads.clicks"]),
            "ads.ctr": wilson(done["ads.clicks"], done["ads.impressions"]),
        })  # fmt: skip

    def _count(self) -> None:
        totals = self.blog.ads.totals()
        self.tally.totals.update({
            "revenue.ads": totals.spent / FEN_PER_YUAN,
            "ads.impressions": float(totals.impressions),
            "ads.clicks": float(totals.clicks),
        })  # fmt: skip


def reported(_campaign_id: int, report: CampaignReport) -> tuple[int, int]:
    """A campaign's (spent, clicks) as its report gives them."""
    return report.spent, report.clicks
