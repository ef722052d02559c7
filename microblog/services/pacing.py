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


def back_on_schedule_at(spent: int, daily_budget: int, now: float, config: AdsConfig) -> float:
    """The moment a campaign that has spent `spent` fen of its `daily_budget` today may
    serve again: when the released share first covers its spend, or the next day.

    An ad server takes a campaign that is ahead of its schedule out of retrieval until
    then, rather than reading and rejecting it on every page in between.
    """
    seconds = (now + config.day_offset_s) % DAY_S
    next_day = now - seconds + DAY_S
    if spent >= daily_budget or not config.pacing:
        return next_day
    target = spent / daily_budget - config.pacing_headroom
    if target < 0:
        return now
    curve = config.pacing_curve
    if curve is None:
        return max(now, now - seconds + target * DAY_S)
    due, done = target * sum(curve), 0.0
    for hour, weight in enumerate(curve):
        if weight > 0 and done + weight > due:
            return max(now, now - seconds + (hour + (due - done) / weight) * HOUR_S)
        done += weight
    return next_day
