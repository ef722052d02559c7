"""Ads and commerce in the simulator: real coins through the ledger, and their effects."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from microblog.money_models import LedgerKind, TransferKind
from microblog.platform import Microblog
from scenario import Scenario, load_scenario
from sim.activities.ads import Ads
from sim.revenue import STREAM_METRICS
from sim.runner import simulate

from .conftest import run_once

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios"
SHRUNK = [
    "population.users=400",
    "population.advertiser_share=0.02",
    "duration_days=8",
    "replications=1",
    "churn.ad_hazard_per_ad_per_hour=0.007",
]
"""The shipped ad-load scenarios at a size a test can afford: eight days give retention_d7,
and the 2000-user files' eight campaigns stay eight (0.2 % of 400 users is one advertiser,
whose two campaigns' frequency caps would leave the heavier load's extra slots empty).
At the default per-ad hazard, 400 users churn 10-20 in 8 days and the heavier load's
extra churn is below that count's noise (any change to the session mix moved the
difference by up to ±10 across seeds 1, 2, 3 and 42), so the ads' hazard is ten times the
default here: the heavier load then churned more and retained fewer on all four seeds."""


@pytest.mark.slow
def test_heavier_ad_load_earns_more_from_ads_and_keeps_fewer_users() -> None:
    """ad-load-light.yaml against ad-load-heavy.yaml, shrunk to 400 users for 8 days."""
    light, heavy = (
        simulate(load_scenario(SCENARIOS / f"ad-load-{name}.yaml", SHRUNK)).result.metrics
        for name in ("light", "heavy")
    )
    assert heavy["ads.impressions"].value > light["ads.impressions"].value
    assert heavy["revenue.ads"].value > light["revenue.ads"].value
    assert heavy["users.churned"].value > light["users.churned"].value
    assert heavy["users.retention_d7"].value < light["users.retention_d7"].value


def test_stronger_friend_endorsement_raises_conversion(tiny: Callable[..., Scenario]) -> None:
    """Friends' likes, reposts and purchases of a product make buying it likelier."""
    economy = {"commerce": {"merchant_product_post_share": 1.0, "conversion_probability": 0.02}}
    population = {"merchant_share": 0.03}
    behaviour = {"per_session": {"like": 0.9, "repost": 0.5, "shop_browse": 0.3}}
    no_apps = {"normal": 0, "medium": 0, "advanced": 0}  # their posts crowd product posts out

    def conversion(lift: float) -> float:
        economy["commerce"]["friend_endorsement_lift"] = lift
        scenario = tiny(economy=economy, population=population, behaviour=behaviour, apps=no_apps)
        return run_once(scenario)[1].metrics["commerce.conversion"][0]

    assert conversion(20.0) > conversion(1.0)


def test_with_no_ad_load_the_feed_is_the_home_timeline(tiny: Callable[..., Scenario]) -> None:
    """Campaigns are live and funded, yet a feed without ad slots shows no ad."""
    run, outcome = run_once(tiny(economy={"ads": {"load": 0.0}}))
    blog, world = run.world.blog, run.world
    assert blog.ads.totals().impressions == 0
    assert outcome.metrics["ads.impressions"][0] == 0
    assert world.users.exposure["untargeted_ads"].sum() == 0
    for row in range(0, world.population.size, 7):
        account = world.account(row)
        feed = blog.feed.home(account, None, 50).items
        assert [item.post for item in feed] == blog.timelines.home(account, None, 50).items
        assert all(item.ad is None for item in feed)


def platform_income(blog: Microblog) -> dict[TransferKind, float]:
    """Coins paid into the platform's revenue account, by transfer kind."""
    income: dict[TransferKind, float] = {}
    with blog.store.read() as tx:
        platform = tx.ledger.find(LedgerKind.PLATFORM, 0)
        assert platform is not None
        for transfer in tx.ledger.statement(platform.id, None, 10**9):
            income[transfer.kind] = income.get(transfer.kind, 0.0) + transfer.amount_fen / 100
    return income


def test_ads_and_orders_move_coins_through_a_balanced_ledger(
    tiny: Callable[..., Scenario],
) -> None:
    """Revenue metrics are the platform's ledger income; the books balance to the fen."""
    # Enough advertisers and merchants that 400 accounts surely have campaigns and shops;
    # no third-party apps, whose posts crowd the product posts out of a quarter-day's feeds
    # (their charges balance in tests/sim/simulator/test_apps.py). Buyers convert often, so
    # a quarter-day surely has orders (at the default rate it may have one, or none).
    economy = {"ads": {"load": 0.2}, "commerce": {"conversion_probability": 0.3}}
    population = {"advertiser_share": 0.02, "merchant_share": 0.03}
    no_apps = {"normal": 0, "medium": 0, "advanced": 0}
    run, outcome = run_once(tiny(economy=economy, population=population, apps=no_apps))
    blog, metrics = run.world.blog, outcome.metrics
    audit = blog.ledger.audit()
    assert audit.balanced, audit.problems
    assert metrics["ads.impressions"][0] > 0 and metrics["commerce.orders"][0] > 0
    income = platform_income(blog)
    assert metrics["revenue.ads"][0] == pytest.approx(income[TransferKind.AD_SPEND])
    assert metrics["revenue.commerce"][0] == pytest.approx(income[TransferKind.SALE_COMMISSION])
    streams = [metrics[name][0] for name in STREAM_METRICS if name in metrics]
    assert metrics["revenue.total"][0] == pytest.approx(sum(streams))
    assert metrics["revenue.total"][0] == pytest.approx(sum(income.values()))
    exposure = run.world.users.exposure
    assert exposure["targeted_ads"].sum() + exposure["untargeted_ads"].sum() > 0


def test_advertisers_rebid_by_their_return_on_spend(tiny: Callable[..., Scenario]) -> None:
    """Below target the bid falls by bid_step, above target × (1 + step) it rises."""
    run, _ = run_once(tiny(economy={"ads": {"click_value": 2.0, "bid_step": 0.1}}))
    ads = next(part for part in run.schedules if isinstance(part, Ads))
    assert ads.rebid(1000, spent=1000, clicks=0) == 900
    assert ads.rebid(1000, spent=100, clicks=1) == 1100
    assert ads.rebid(1000, spent=200, clicks=1) == 1000
    assert ads.rebid(1000, spent=0, clicks=0) == 1000
