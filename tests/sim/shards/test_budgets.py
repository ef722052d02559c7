"""The driver's ad allowances: split by the last window's impressions, whole fen that add up
to what is left of the budget, granted again only where something changed or a day began."""

from __future__ import annotations

from microblog.ads_config import AdsConfig
from microblog.ads_models import BidType
from microblog.services.pacing import DAY_S
from sim.shards.budgets import AdBudgets, AdWindow, Budget, Grant, split

CONFIG = AdsConfig()
NOON = 0.5 * DAY_S


def budgets(shards: int = 2, total: int = 10_000, daily: int = 1_000) -> AdBudgets:
    seeded = {
        1: Budget(total, daily, 2_000, BidType.CPM, 0),
        2: Budget(total, daily, 5, BidType.CPC, 0),
    }
    return AdBudgets(seeded, shards, CONFIG)


def window(impressions: dict[int, int], spend: dict[int, int], day: int = 0) -> AdWindow:
    found = AdWindow()
    found.impressions.update(impressions)
    found.spend.update({(campaign, day): fen for campaign, fen in spend.items()})
    return found


def test_a_split_is_whole_fen_adding_up_to_what_is_left() -> None:
    assert split(1_000, [0, 0]) == [500, 500]
    assert split(1_000, [0, 0, 0]) == [334, 333, 333]
    assert split(7, [5, 0, 1]) == [5, 1, 1]
    for left in range(0, 50):
        assert sum(split(left, [3, 0, 8, 1])) == left


def test_a_shard_that_served_nothing_keeps_a_share() -> None:
    assert split(1_200, [10, 0]) == [1_100, 100]


def test_a_split_grants_whole_charges_and_the_rest_to_the_largest_share() -> None:
    """A CPC campaign with 250 fen left at an 80-fen bid: three whole clicks, and the 10 fen
    below a click to the busiest shard, never 125 fen each (a click sold for 45 fen)."""
    assert split(250, [0, 0], charge=80) == [170, 80]
    assert split(250, [0, 3], charge=80) == [80, 170]
    assert split(70, [5, 0, 9], charge=80) == [0, 0, 70]


def test_every_campaign_starts_with_equal_allowances_of_its_day_budget() -> None:
    granted = budgets().grants(NOON)
    assert granted == [{1: Grant(500, 0, 0), 2: Grant(500, 0, 0)}] * 2


def test_the_next_split_follows_the_windows_impressions_and_what_was_spent() -> None:
    driver = budgets()
    driver.grants(NOON)
    driver.record([window({1: 3}, {1: 60}), window({1: 1}, {1: 40})])
    granted = driver.grants(NOON + 60)
    assert granted == [{1: Grant(600, 0, 100, 100)}, {1: Grant(300, 0, 100, 100)}]


def test_a_new_day_grants_every_campaign_its_fresh_daily_budget() -> None:
    driver = budgets()
    driver.grants(NOON)
    driver.record([window({1: 1}, {1: 1_000}), window({}, {})])
    assert driver.grants(NOON + 60)[0] == {1: Grant(0, 0, 1_000, 1_000)}
    driver.record([window({}, {}), window({}, {})])
    next_day = driver.grants(DAY_S - CONFIG.day_offset_s + 1)
    assert next_day[0] == {1: Grant(500, 1, 0, 1_000), 2: Grant(500, 1, 0)}


def test_the_total_budget_caps_the_allowance_below_the_day_budget() -> None:
    driver = budgets(total=1_100)
    driver.grants(NOON)
    driver.record([window({2: 1}, {2: 400}, day=0), window({2: 1}, {2: 500}, day=0)])
    assert driver.grants(DAY_S * 2)[0][2] == Grant(100, 2, 0, 900)


def test_overspend_counts_fen_past_the_total_and_past_each_day_budget() -> None:
    driver = budgets(total=1_500)
    driver.record([window({1: 1}, {1: 1_200}, day=0), window({1: 1}, {1: 600}, day=1)])
    assert driver.overspend() == {1: 300 + 200, 2: 0}
    assert driver.metrics()["ads.overspend"] == (5.0, "coins")
    assert driver.metrics()["ads.overspend.worst_campaign"] == (5.0, "coins")


def test_the_bound_is_every_shard_charging_its_busiest_window_at_the_bid() -> None:
    driver = budgets(shards=3)
    driver.record([window({1: 4, 2: 1}, {}), window({1: 2}, {}), window({}, {})])
    driver.record([window({1: 1}, {}), window({}, {}), window({}, {})])
    assert driver.bound(1) == 3 * 6 * 2_000 / 1_000
    assert driver.bound(2) == 3 * 1 * 5


def test_grants_carry_the_whole_campaigns_spend_and_clicks_and_a_launch_joins_the_budgets() -> None:
    """A bid review on the owner's shard reads the campaign's delivery over all shards; a
    campaign a review launched on one shard is granted to every shard at the next barrier."""
    driver = budgets()
    driver.grants(NOON)
    first, second = window({1: 2}, {1: 30}), window({1: 1}, {1: 20})
    first.clicks[1], second.clicks[1] = 2, 1
    second.created[3] = Budget(800, 400, 1_000, BidType.CPM, 0)
    driver.record([first, second])
    granted = driver.grants(NOON + 60)
    assert granted[0][1] == Grant(570, 0, 50, 50, 3)
    assert [grants[3].allowance for grants in granted] == [200, 200]
