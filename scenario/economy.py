"""The `economy` section: the platform's ways of making money and what they cost users.

Drives the simulator's economy (ad auctions, shops and orders, game items, wallet top-ups
through an external gateway). Money is in yuan; the ledger's coins are worth one yuan each.
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from scenario.ads import AdsConfig
from scenario.fields import ASSUMED, Section, Share, section, spec
from scenario.memberships import MembershipsConfig

SEEDS_ALIBABA = (
    "seed documents as quoted in issue 23: Alibaba's payments to Weibo were $28.5 M, 40 % "
    "of revenue, in Q4 2013, falling to 9.3 % ($11.1 M) and 8.7 % ($12.8 M) by mid-2014"
)
FED_H10 = "Federal Reserve H.10 annual average (FRED series AEXCHUS)"

BAKSHY = (
    "Bakshy, Eckles, Yan & Rosenn, 'Social Influence in Social Advertising', EC 2012 "
    "(friend cues raise response; the size here is an assumption)"
)


class PartnerConfig(Section):
    """A commerce partner's marketing fees, in the `diversion` model of commerce.

    Product posts link to the partner's own store; the platform bills the partner a
    contract amount and a fee per diversion (a user following a product link) through the
    ledger (`revenue.partner`), and takes no commission. Amounts are for the whole platform
    the population stands for (`population.represents`); a sample books its share.
    """

    contract_per_week: float = spec(
        5_250_000.0, "The partner's fixed marketing fee for the whole represented platform, "
        "booked day by day: $11.1 M a quarter, the partner's lowest quarterly payment in "
        "the seeds (mid-2014), as the floor a contract guarantees, at 6.15 yuan/USD, over "
        "13 weeks.",
        unit="yuan/week", source=SEEDS_ALIBABA, ge=0,
    )  # fmt: skip
    diversion_fee: float = spec(
        0.5, "Fee per diversion: a click on a product post's link to the partner's store.",
        unit="yuan", source=ASSUMED, ge=0,
    )  # fmt: skip
    click_probability: Share = spec(
        0.02, "Probability that one product impression (post or shop view) is clicked "
        "through to the partner's store (times the friend and influencer lifts and "
        "`novelty_half_life_days` decay, like an on-platform conversion).",
        source=ASSUMED,
    )  # fmt: skip
    store_conversion: Share = spec(
        0.05, "Share of diversions that buy in the partner's store (off-platform GMV).",
        source=ASSUMED,
    )  # fmt: skip


class CommerceConfig(Section):
    """Merchants' shops, product posts, orders, and who takes a cut of each sale."""

    model: Literal["on_platform", "diversion"] = spec(
        "on_platform", "How commerce earns: `on_platform`, orders paid in coins with the "
        "platform's commission (`revenue.commerce`); `diversion`, product posts link to a "
        "partner's store off the platform, which pays marketing fees (`partner`, "
        "`revenue.partner`) and whose sales are the GMV.",
        source=SEEDS_ALIBABA,
    )  # fmt: skip
    partner: PartnerConfig = section(PartnerConfig, "The partner's fees (`diversion` only).")
    merchant_churn_per_week: float = spec(
        0.0, "Share of the merchants still selling who quit each week (their product posts "
        "and shop visits end), as a daily hazard; the seeds: merchants quit when novelty "
        "faded and fans did not buy.",
        unit="share per week", source=ASSUMED, ge=0, lt=1,
    )  # fmt: skip
    novelty_half_life_days: float | None = spec(
        None, "Days in which product posts' pull halves: the conversion (or click-through) "
        "probability is multiplied by 0.5 ** (days since the start / this). Empty: no decay.",
        unit="days", source=ASSUMED, gt=0,
    )  # fmt: skip

    merchant_product_post_share: Share = spec(0.5, "Share of merchant posts that sell a product.")
    influencer_product_post_share: Share = spec(
        0.1, "Share of influencer posts that promote a merchant's product for commission."
    )
    products_per_merchant: float = spec(
        20.0, "Mean products listed per merchant.", unit="products", gt=0
    )
    price_median: float = spec(
        79.0, "Median product price; prices are log-normal.", unit="yuan", source=ASSUMED, gt=0
    )
    price_sigma: float = spec(0.9, "Log-normal sigma of product prices.", ge=0)
    conversion_probability: Share = spec(
        0.002, "Probability that one product impression (post or shop view) becomes an order.",
        source=ASSUMED,
    )  # fmt: skip
    friend_endorsement_lift: float = spec(
        3.0, "Conversion multiplier when a friend liked, reposted or bought the product.",
        unit="x", source=BAKSHY, ge=1,
    )  # fmt: skip
    influencer_promotion_lift: float = spec(
        1.5, "Conversion multiplier when an influencer promotes the product.",
        source=ASSUMED,
        unit="x", ge=1,
    )  # fmt: skip
    platform_commission: Share = spec(
        0.05, "Platform's take rate on each order's value.", unit="share of GMV", source=ASSUMED
    )
    influencer_commission: Share = spec(
        0.2, "Promoting influencer's share of an order's value.",
        source=ASSUMED,
        unit="share of GMV",
    )  # fmt: skip

    promoted_merchant_share: Share = spec(
        0.3, "Share of merchants that buy promotion: a feed-ad campaign for one of their "
        "product posts, shown to non-followers, bid and budgeted like an ad campaign "
        "(economy.ads).",
        source=ASSUMED,
    )  # fmt: skip

    @model_validator(mode="after")
    def _cuts_fit(self) -> CommerceConfig:
        if self.platform_commission + self.influencer_commission > 1:
            raise ValueError("platform_commission + influencer_commission exceed the sale")
        return self


class GamesConfig(Section):
    """The platform's casual games and their in-game items."""

    catalogue_size: int = spec(47, "Games offered.", unit="games", ge=1)
    item_price_median: float = spec(
        6.0, "Median game item price; prices are log-normal.", unit="yuan", gt=0
    )
    item_price_sigma: float = spec(1.0, "Log-normal sigma of game item prices.", ge=0)
    platform_share: Share = spec(
        0.3, "Platform's share of game item revenue; the developer keeps the rest.",
        source="assumption: app-store-style split",
    )  # fmt: skip


class LiveEconomyConfig(Section):
    """Live broadcast's money: gifts to anchors and how the live list favours V anchors."""

    platform_share: Share = spec(
        0.5, "Platform's share of each gift to a live anchor; the anchor keeps the rest.",
        source="assumption: Chinese live platforms keep about half of virtual-gift value",
    )  # fmt: skip
    big_v_boost: float = spec(
        4.0, "Multiplier of a big V anchor's viewers in the live list ranking (the 'tilt').",
        source=ASSUMED, ge=1,
    )  # fmt: skip
    medium_v_boost: float = spec(
        2.0, "Multiplier of a medium V anchor's viewers in the live list ranking.",
        source=ASSUMED, ge=1,
    )  # fmt: skip


class TopUpGatewayConfig(Section):
    """The external payment gateway that wallet top-ups go through."""

    failure_rate: Share = spec(0.01, "Share of gateway calls that fail and must be retried.")
    latency_ms: float = spec(300.0, "Mean gateway latency per call.", unit="ms", ge=0)


class EconomyConfig(Section):
    """Ads, commerce, games and top-ups."""

    yuan_per_usd: float = spec(
        6.3093, "Exchange rate for `revenue.annualised_usd`: the 2012 average.",
        unit="yuan/USD", source=FED_H10, gt=0,
    )  # fmt: skip
    starting_balance: float = spec(
        200.0, "Coins in each ordinary user's wallet at the start (issued by the operator "
        "through the ledger the first time the user pays for something).",
        unit="yuan", source=ASSUMED, ge=0,
    )  # fmt: skip
    ads: AdsConfig = section(AdsConfig, "Feed ads.")
    commerce: CommerceConfig = section(CommerceConfig, "Shops and orders.")
    games: GamesConfig = section(GamesConfig, "Games and items.")
    topup: TopUpGatewayConfig = section(TopUpGatewayConfig, "Top-up payment gateway.")
    live: LiveEconomyConfig = section(LiveEconomyConfig, "Gifts to live anchors, list tilt.")
    memberships: MembershipsConfig = section(MembershipsConfig, "Paid monthly membership.")
