"""Churn and retention: who leaves at the end of each day, and who of a day's cohort comes back.

At the end of every simulated day each ordinary user who was active that day leaves for
good with probability

    (base_daily_hazard
     + ad_hazard_per_ad_per_hour × (untargeted ads + targeted_ad_factor × targeted ads)
                                  / active hours that day
     + untargeted_commerce_hazard × untargeted product posts seen)
    × friend_interaction_factor, if a friend interacted with them that day,
    × member_factor, if they hold a paid membership,
    + lapse_hazard, if their membership lapsed that day (the wallet could not renew it).

Influencers, merchants and advertisers do not churn. The ad and commerce terms read the
exposure columns of `sim.users.UserState`, which the ads and commerce activities fill.

Retention follows the cohort of ordinary users active on the first measured day (the first
whole day after warm-up): `users.retention_dK` is the share of it active again K days later,
reported when the run covers that day in full.

Within-run intervals (`sim.intervals`): retention is a proportion of the cohort (Wilson),
active users and DAU a share of the population (binomial), churned accounts a count of
rare independent departures (Poisson).
"""

from __future__ import annotations

import math

import numpy as np

from scenario import Scenario
from scenario.churn import ChurnConfig
from sim.intervals import Intervals, active_share, poisson_count, present, wilson
from sim.measure import Metrics
from sim.users import UserState

RETENTION_DAYS = (1, 7, 30)


def daily_hazard(config: ChurnConfig, users: UserState, rows: np.ndarray, day: int) -> np.ndarray:
    """Each listed account's probability of leaving at the end of `day`."""
    seen = users.exposure
    ads = seen["untargeted_ads"][rows] + config.targeted_ad_factor * seen["targeted_ads"][rows]
    hours = np.maximum(users.active_hours_today[rows], 1)
    hazard = (
        config.base_daily_hazard
        + config.ad_hazard_per_ad_per_hour * ads / hours
        + config.untargeted_commerce_hazard * seen["untargeted_product_posts"][rows]
    )
    befriended = users.friend_day[rows] == day
    hazard = np.where(befriended, hazard * config.friend_interaction_factor, hazard)
    hazard = np.where(users.member[rows], hazard * config.member_factor, hazard)
    hazard = hazard + config.lapse_hazard * (users.lapsed_day[rows] == day)
    return np.clip(hazard, 0.0, 1.0)


class Churn:
    """Applies the daily hazard and follows the retention cohort through one replication."""

    def __init__(
        self,
        scenario: Scenario,
        users: UserState,
        churnable: np.ndarray,
        rng: np.random.Generator,
    ) -> None:
        self.config = scenario.churn
        self.users = users
        self.churnable = churnable
        self.rng = rng
        self.cohort_day = math.ceil(scenario.warmup_days)
        self.cohort: np.ndarray | None = None
        self.retention: dict[int, tuple[int, int]] = {}
        """Per horizon K: (the cohort's accounts active K days later, the cohort's size)."""

    def end_of_day(self, day: int) -> int:
        """Apply the day's churn and note retention; returns how many accounts left."""
        active = self.users.active_on(day) & self.churnable & ~self.users.churned
        self._follow_cohort(day, active)
        rows = np.flatnonzero(active)
        leaving = rows[
            self.rng.random(rows.size) < daily_hazard(self.config, self.users, rows, day)
        ]
        self.users.churned[leaving] = True
        self.users.start_day()
        return int(leaving.size)

    def _follow_cohort(self, day: int, active: np.ndarray) -> None:
        if day == self.cohort_day:
            self.cohort = active.copy()
        elif self.cohort is not None and (day - self.cohort_day) in RETENTION_DAYS:
            size = int(self.cohort.sum())
            if size:
                back = int((self.cohort & active).sum())
                self.retention[day - self.cohort_day] = (back, size)


def user_metrics(
    users: UserState, cohort_day: int, retention: dict[int, tuple[int, int]], duration_days: float
) -> tuple[Metrics, Intervals]:
    """Active users, DAU over the whole measured days, churn and the cohort's retention
    (`Churn.cohort_day`, `Churn.retention`: one run's, or its shards' summed), and their
    within-run intervals."""
    active, churned = float(users.in_window.count), float(users.churned.sum())
    metrics: Metrics = {"users.active": (active, "count"), "users.churned": (churned, "count")}
    found = {
        "users.active": active_share(active, users.size),
        "users.churned": poisson_count(churned),
    }
    days = range(cohort_day, math.floor(duration_days + 1e-9))
    if days:
        counts = [users.daily_active[d] if d < len(users.daily_active) else 0 for d in days]
        dau = float(np.mean(counts))
        metrics["users.dau"] = (dau, "count")
        found["users.dau"] = active_share(dau, users.size, len(days))
    for day, (back, size) in sorted(retention.items()):
        metrics[f"users.retention_d{day}"] = (back / size, "ratio")
        found[f"users.retention_d{day}"] = wilson(back, size)
    return metrics, present(found)
