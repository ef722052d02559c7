"""The `churn` section: why users leave, as a daily hazard that ads raise and friends lower.

Drives the simulator's retention model (and so `users.retention_d30`). Each day a user's
hazard is `base_daily_hazard`, plus the ad and commerce terms for what they saw that day,
times `friend_interaction_factor` when a friend interacted with them that day.
"""

from __future__ import annotations

from scenario.fields import ASSUMED, Section, Share, spec

PANDORA = (
    "Huang, Reiley & Riabov, 'Measuring Consumer Sensitivity to Audio Advertising: "
    "A Field Experiment on Pandora Internet Radio', 2018: each extra ad per hour cut "
    "listening by about 2 %"
)


class ChurnConfig(Section):
    """Daily probability that an active user leaves for good."""

    base_daily_hazard: Share = spec(
        0.01, "Daily hazard with no ads and no friends' interaction.",
        source=ASSUMED,
        unit="per day",
    )  # fmt: skip
    ad_hazard_per_ad_per_hour: float = spec(
        0.0007, "Added daily hazard per ad seen per active hour that day; the default loses "
        "about 2 % of users over 30 days per extra ad per hour.",
        unit="per day per (ad/hour)", source=PANDORA, ge=0,
    )  # fmt: skip
    targeted_ad_factor: Share = spec(
        0.5, "Weight of a targeted ad in the ad term; relevant ads annoy less.", source=ASSUMED
    )
    untargeted_commerce_hazard: float = spec(
        0.0002, "Added daily hazard per promoted product post (a merchant's paid reach to "
        "non-followers) seen whose product matches none of the viewer's interests.",
        source=ASSUMED,
        unit="per day per post", ge=0,
    )  # fmt: skip
    friend_interaction_factor: Share = spec(
        0.8, "Hazard multiplier on a day a friend (mutual follow) liked, commented, reposted or "
        "chatted with the user.",
        source=ASSUMED,
    )  # fmt: skip
    member_factor: Share = spec(
        0.5, "Hazard multiplier for a paying member (a paid membership is a commitment the "
        "member is less likely to walk away from).",
        source=ASSUMED,
    )  # fmt: skip
    lapse_hazard: Share = spec(
        0.05, "Added hazard on the day a membership lapses because the wallet could not pay "
        "the renewal: a lapse is a sign the user is drifting away.",
        source=ASSUMED, unit="per day",
    )  # fmt: skip
