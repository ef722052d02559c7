"""Who a campaign may reach, and how relevant it is to one viewer."""

from __future__ import annotations

from microblog.ads_config import AdsConfig
from microblog.ads_models import Targeting
from microblog.models import Profile


def relevance(targeting: Targeting, profile: Profile, config: AdsConfig) -> float:
    """Share of the campaign's targeted interests the viewer has.

    Interests are what say a viewer will care; region, gender and age only say who may
    see the ad, so they filter (`Targeting.matches`) but do not rank.
    """
    if not targeting.interests:
        return config.untargeted_relevance
    wanted = set(targeting.interests)
    return len(wanted.intersection(profile.interests)) / len(wanted)


def quality(targeting: Targeting, profile: Profile, config: AdsConfig) -> float:
    """The factor an auction scales a bid by, so relevant ads can beat richer ones."""
    return 1.0 - config.relevance_weight * (1.0 - relevance(targeting, profile, config))
