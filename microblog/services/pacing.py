"""Pacing: release a daily budget over the day so it is not spent in the first minutes.

A paced campaign may have spent, at any moment, the share of its daily budget that the
day's traffic so far warrants (evenly by time, or by `pacing_curve`) plus a headroom; once
ahead of that schedule it sits out auctions until the schedule catches up.
"""

from __future__ import annotations

from microblog.ads_config import AdsConfig

DAY_S = 86_400
HOUR_S = 3_600


def day_of(now: float, config: AdsConfig) -> int:
    """The day index that daily budgets and frequency caps count in."""
    return int((now + config.day_offset_s) // DAY_S)


def elapsed_share(now: float, config: AdsConfig) -> float:
    """Share of the day's traffic that has passed by `now` (0 at midnight, 1 at its end)."""
    seconds = (now + config.day_offset_s) % DAY_S
    curve = config.pacing_curve
    if curve is None:
        return seconds / DAY_S
    hour, into_hour = divmod(seconds, HOUR_S)
    done = sum(curve[: int(hour)]) + curve[int(hour)] * into_hour / HOUR_S
    return done / sum(curve)


def released_share(now: float, config: AdsConfig) -> float:
    """Share of its daily budget any campaign may have spent by `now` and still serve.

    The same for every campaign at one moment, so an ad server computes it once a page.
    """
    if not config.pacing:
        return 1.0
    return min(1.0, elapsed_share(now, config) + config.pacing_headroom)
