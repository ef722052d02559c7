"""The one place a scenario becomes the reference microblog's settings, for both modes.

The simulator builds its in-process microblog from `platform_config(scenario)`; the load
test starts its server from the same object, serialised whole (`loadtests.control.server`), so a
path name means the same endpoint under the same rules in a simulation and a load test.
"""

from __future__ import annotations

from microblog.apps_config import AppsConfig as PlatformApps
from microblog.config import FanoutStrategy, PlatformConfig
from microblog.live_config import LiveConfig
from microblog.membership_config import SECONDS_PER_DAY, MembershipConfig
from microblog.models import Tier
from microblog.money_config import GamesCatalogueConfig, GatewayConfig, MoneyConfig
from microblog.push_config import PushConfig
from microblog.rate_limit_config import RateLimitConfig
from scenario.apps import AppsConfig
from scenario.economy import EconomyConfig
from scenario.model import Scenario
from scenario.seed_draws import FEN_PER_YUAN, fen


def platform_config(scenario: Scenario) -> PlatformConfig:
    """The microblog's rules from the scenario's platform section and its economy: the
    timeline strategy, the feed's ad load, the money rules and live broadcast's."""
    platform = scenario.platform
    return PlatformConfig(
        fanout=FanoutStrategy(platform.fanout),
        hybrid_threshold=platform.hybrid_threshold,
        timeline_capacity=platform.timeline_capacity,
        money=platform_money(scenario.economy, scenario.seed),
        ad_load=scenario.economy.ads.load,
        rate_limits=RateLimitConfig(enabled=platform.rate_limits),
        apps=platform_apps(scenario.apps),
        live=platform_live(scenario.economy),
        memberships=platform_memberships(scenario.economy),
        push=PushConfig(seed=scenario.seed),
    )


def platform_memberships(economy: EconomyConfig) -> MembershipConfig:
    """The membership fee (yuan to fen) and period (days to seconds)."""
    config = economy.memberships
    return MembershipConfig(
        price_fen=fen(config.price), period_s=config.period_days * SECONDS_PER_DAY
    )


def platform_apps(apps: AppsConfig) -> PlatformApps:
    """The apps' platform share and the pre-authorised cap of a `payments` grant."""
    return PlatformApps(
        platform_share=apps.platform_share,
        preauthorized_max_fen=apps.preauthorized_max_coins * FEN_PER_YUAN,
    )


def platform_live(economy: EconomyConfig) -> LiveConfig:
    """The gift share and the live list's tilt towards V anchors."""
    live = economy.live
    boost = {Tier.BIG_V: live.big_v_boost, Tier.MEDIUM_V: live.medium_v_boost}
    return LiveConfig(platform_share=live.platform_share, tier_boost=boost)


def platform_money(economy: EconomyConfig, seed: int) -> MoneyConfig:
    """Commissions, the game catalogue, and a payment gateway seeded from the scenario."""
    commerce, games, gateway = economy.commerce, economy.games, economy.topup
    return MoneyConfig(
        commerce_commission=commerce.platform_commission,
        influencer_commission=commerce.influencer_commission,
        games=GamesCatalogueConfig(
            catalogue_size=games.catalogue_size,
            item_price_median_coins=games.item_price_median,
            item_price_sigma=games.item_price_sigma,
            platform_share=games.platform_share,
            seed=seed,
        ),
        gateway=GatewayConfig(
            latency_ms=gateway.latency_ms, failure_rate=gateway.failure_rate, seed=seed
        ),
    )
