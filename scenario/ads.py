"""The `economy.ads` section: feed ads, their targeting, pricing and advertisers' campaigns.

Drives the simulator's ad server (which timeline slots carry ads, which campaign wins a
slot, clicks and spend). Annoyance that makes users leave is in the `churn` section.
"""

from __future__ import annotations

from pydantic import model_validator

from scenario.fields import ASSUMED, Section, Share, spec


class AdsConfig(Section):
    """Feed ads. Money is in yuan; the ledger's coins are worth one yuan each."""

    load: float = spec(
        0.1, "Fraction of home-feed slots that carry ads (ad load); 0 makes the feed the home "
        "timeline.", ge=0, lt=1,
    )  # fmt: skip
    targeting_precision: Share = spec(
        0.5, "Share of campaigns (and merchant promotions) that target viewers interested in "
        "their topic; the others reach everyone. An ad shown to a viewer interested in its "
        "topic counts as targeted, any other as untargeted.",
    )  # fmt: skip
    ctr_base: Share = spec(
        0.01, "Click-through rate of an untargeted feed ad.",
        source="assumption: in-feed social ads click through at around 1 %",
    )  # fmt: skip
    targeted_ctr_lift: float = spec(
        2.0, "Click-through multiplier for a targeted ad.", unit="x", source=ASSUMED, ge=1
    )
    cpc_campaign_share: Share = spec(
        0.5, "Share of campaigns that pay per click; the rest pay per thousand impressions."
    )
    bid_cpm: float = spec(
        20.0,
        "Mean bid of CPM campaigns.",
        unit="yuan per 1000 impressions",
        source=ASSUMED,
        gt=0,
    )
    bid_cpc: float = spec(
        1.0, "Mean bid of CPC campaigns.", unit="yuan/click", source=ASSUMED, gt=0
    )
    bid_spread: float = spec(
        0.3, "Log-normal sigma of bids across campaigns; 0 makes every bid the mean.", ge=0
    )
    campaigns_per_advertiser: float = spec(
        2.0, "Mean campaigns each advertiser runs at once.", unit="campaigns", gt=0
    )
    daily_budget: float = spec(1000.0, "Budget per campaign per day.", unit="yuan", gt=0)
    total_budget: float = spec(20_000.0, "Budget per campaign over its life.", unit="yuan", gt=0)
    frequency_cap: int = spec(
        3, "Most impressions of one campaign per user per day.", unit="impressions/day", ge=1
    )
    dismiss_probability: Share = spec(
        0.02, "Probability that a viewer dismisses an ad as not interesting; that campaign is "
        "not shown to them again.",
        source=ASSUMED,
    )  # fmt: skip

    click_value: float = spec(
        2.0, "What a click is worth to an advertiser; return on spend is clicks × click_value "
        "over spend.", unit="yuan/click", source=ASSUMED, gt=0,
    )  # fmt: skip
    target_return_on_spend: float = spec(
        1.0, "Return on spend advertisers aim for. Each day an advertiser reviews each "
        "campaign that spent the day before: below the target it relaunches the campaign "
        "with its bid cut by `bid_step`, above target × (1 + bid_step) with its bid raised "
        "by `bid_step`.",
        unit="ratio", source=ASSUMED, gt=0,
    )  # fmt: skip
    bid_step: Share = spec(
        0.1, "Relative bid change of one daily review; 0 keeps bids fixed.", source=ASSUMED
    )

    @model_validator(mode="after")
    def _daily_within_total(self) -> AdsConfig:
        if self.daily_budget > self.total_budget:
            raise ValueError("daily_budget must not exceed total_budget")
        return self
