"""Advertisers' bid reviews across two in-process shards: a review reads its campaign's
delivery over both shards, and a relaunch (a pause and a new campaign) reaches the other
shard, whose ad servers stop serving the old campaign and serve the new one."""

from __future__ import annotations

import pytest

from microblog.ads_models import CampaignStatus
from sim.activities.ads import Ads
from sim.arrivals import SECONDS_PER_DAY, SECONDS_PER_HOUR
from sim.engine import EPOCH
from tests.sim.shards.conftest import TwoShards, social_ci_smoke, two_shards

WINDOW_S = 600
"""Ten-minute windows: a 1-day run in few barriers; the review is at one (the day's start)."""


@pytest.fixture(scope="module")
def run() -> TwoShards:
    """300 accounts for a day and two windows (the review at the second day's start), with
    a dozen advertisers on 1-yuan daily budgets and ads in half the feed slots."""
    days = 1 + 2 * WINDOW_S / SECONDS_PER_DAY
    scenario = social_ci_smoke(
        "population.users=300", f"duration_days={days}", f"sharding.window_s={WINDOW_S}",
        "population.advertiser_share=0.04", "economy.ads.load=0.5",
        "economy.ads.daily_budget=1",
    )  # fmt: skip
    assert scenario.economy.ads.bid_step > 0
    return two_shards(scenario, audit_windows=True)


def ads(run: TwoShards, shard: int) -> Ads:
    return next(p for p in run.shards[shard].simulation.schedules if isinstance(p, Ads))


def test_every_pause_and_launch_reaches_the_other_shard_and_the_books_balance(
    run: TwoShards,
) -> None:
    assert run.sent == run.applied
    for kind in ("campaign", "campaign_launch"):
        assert {(s, t) for k, s, t in run.sent if k == kind} == {(0, 1), (1, 0)}
    assert [audit.problems for audit in run.audits if not audit.balanced] == []


def test_a_review_reads_its_campaigns_delivery_on_both_shards(run: TwoShards) -> None:
    """The owner's review sees what the other shard's ad servers delivered too (the seeded
    delivery is on both shards' copies, so their sum is an upper bound)."""
    campaigns = [run.data(shard).ads.campaigns for shard in range(2)]
    wider = 0
    for shard in range(2):
        for campaign, (spent, clicks) in ads(run, shard).reviewed.items():
            here, there = (
                campaigns[shard][campaign].delivery,
                campaigns[1 - shard][campaign].delivery,
            )
            assert here.spent <= spent <= here.spent + there.spent, campaign
            assert here.clicks <= clicks <= here.clicks + there.clicks, campaign
            wider += spent > here.spent
    assert wider >= 5


def test_a_relaunched_campaign_is_paused_everywhere_and_its_successor_served_everywhere(
    run: TwoShards,
) -> None:
    campaigns = [run.data(shard).ads.campaigns for shard in range(2)]
    assert campaigns[0].keys() == campaigns[1].keys()  # each new campaign under one id
    paused = [{c for c, found in campaigns[k].items() if found.status is CampaignStatus.PAUSED}
              for k in range(2)]  # fmt: skip
    reviewed = ads(run, 0).reviewed.keys() | ads(run, 1).reviewed.keys()
    assert paused[0] == paused[1] and len(paused[0]) >= 5 and paused[0] <= reviewed
    scenario = run.shards[0].simulation.scenario
    review = EPOCH + scenario.start_hour * SECONDS_PER_HOUR + SECONDS_PER_DAY
    new = {c for c, found in campaigns[0].items() if found.created_at >= review}
    assert len(new) >= len(paused[0])
    for shard in range(2):
        assert sum(campaigns[shard][c].delivery.impressions for c in new) > 0, shard
