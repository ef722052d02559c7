"""What both modes seed from a scenario, drawn the same way: groups and ad campaigns.

The simulator seeds its in-process microblog and the load test its server over HTTP, but a
group's members and a campaign's topic, targeting, pricing and budgets come from the same
scenario fields by the same rules, so they live here, pure (one numpy Generator passed in):

- a group has `1 + Poisson(mean_size − 1)` members (at most everyone), picked uniformly;
- a campaign's topic is an interest drawn with the profiles' Zipf popularity by rank; a
  `targeting_precision` share of campaigns target viewers interested in it, the rest reach
  everyone; a `cpc_campaign_share` pays per click, the rest per mille; bids are log-normal
  around the configured mean with `bid_spread`; budgets and frequency cap are the scenario's.
"""

from __future__ import annotations

import numpy as np

from microblog.ads_models import BidType, CampaignSpec, Targeting
from scenario.model import Scenario

FEN_PER_YUAN = 100


def fen(yuan: float) -> int:
    """Yuan as whole fen, at least one."""
    return max(1, round(yuan * FEN_PER_YUAN))


def group_memberships(
    count: int, mean_size: float, users: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(group, member) index pairs of `count` groups among `users` accounts; may repeat."""
    sizes = np.minimum(1 + rng.poisson(mean_size - 1.0, count), users)
    groups = np.repeat(np.arange(count), sizes)
    return groups, rng.integers(0, users, groups.size)


def topics(scenario: Scenario, count: int, rng: np.random.Generator) -> np.ndarray:
    """Interest codes drawn with the profiles' Zipf popularity by rank."""
    profile = scenario.population.profile
    ranks = np.arange(1, len(profile.interests) + 1, dtype=float)
    weights = ranks**-profile.interest_zipf_exponent
    return rng.choice(ranks.size, size=count, p=weights / weights.sum())


def draw_specs(
    scenario: Scenario, count: int, rng: np.random.Generator
) -> list[tuple[int, CampaignSpec]]:
    """Topic and spec (without its creative, start and end) of `count` campaigns."""
    ads = scenario.economy.ads
    interests = scenario.population.profile.interests
    topic = topics(scenario, count, rng)
    targeted = rng.random(count) < ads.targeting_precision
    cpc = rng.random(count) < ads.cpc_campaign_share
    spread = rng.lognormal(-(ads.bid_spread**2) / 2, ads.bid_spread, count)
    columns = zip(topic.tolist(), targeted.tolist(), cpc.tolist(), spread.tolist(), strict=True)
    return [
        (
            code,
            CampaignSpec(
                post_id=0,
                bid_type=BidType.CPC if by_click else BidType.CPM,
                bid=fen((ads.bid_cpc if by_click else ads.bid_cpm) * factor),
                daily_budget=fen(ads.daily_budget),
                total_budget=fen(ads.total_budget),
                start=0.0,
                end=0.0,
                frequency_cap=ads.frequency_cap,
                targeting=Targeting(interests=[interests[code]] if aimed else []),
            ),
        )
        for code, aimed, by_click, factor in columns
    ]
