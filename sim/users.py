"""What happens to each account during one replication, as columns: activity, churn, exposure.

The population (`sim.population`) is fixed for a run; this state starts fresh in every
replication. Days and hours count from the start of the run. Activity modules report here:
sessions (`session_started`), a friend's interaction (`friend_interacted`: social reactions
and chat messages), and, once ads
and commerce exist, what each user was shown today (`exposure`). The churn model
(`sim.churn`) reads it at the end of every day.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

NEVER = -1


class DistinctRows:
    """Counts distinct accounts seen since the last reset (active users in a window)."""

    def __init__(self, size: int) -> None:
        self._seen = np.zeros(size, dtype=bool)
        self.count = 0

    def add(self, row: int) -> None:
        if not self._seen[row]:
            self._seen[row] = True
            self.count += 1

    def reset(self) -> None:
        self._seen[:] = False
        self.count = 0


EXPOSURES = ("untargeted_ads", "targeted_ads", "untargeted_product_posts")
"""Per-user counts of what a user saw today that raises their churn hazard (churn section),
filled by the ads and commerce activities."""


@dataclass
class UserState:
    """Columns over the population; row i is the population's row i."""

    size: int
    churned: np.ndarray = field(init=False)
    first_active_day: np.ndarray = field(init=False)
    """Day of the account's first session in this run (its cohort), NEVER before it."""
    last_active_day: np.ndarray = field(init=False)
    last_active_hour: np.ndarray = field(init=False)
    active_hours_today: np.ndarray = field(init=False)
    friend_day: np.ndarray = field(init=False)
    """Last day a friend (mutual follow) interacted with the account."""
    member: np.ndarray = field(init=False)
    """Whether the account holds a paid membership now."""
    lapsed_day: np.ndarray = field(init=False)
    """Last day the account's membership lapsed (its wallet could not renew it)."""
    exposure: dict[str, np.ndarray] = field(init=False)
    daily_active: list[int] = field(default_factory=list)
    """Distinct active accounts per day of the run (DAU)."""
    in_interval: DistinctRows = field(init=False)
    """Accounts active in the current timeseries interval."""
    in_window: DistinctRows = field(init=False)
    """Accounts active in the measured window (after warm-up)."""

    def __post_init__(self) -> None:
        self.churned = np.zeros(self.size, dtype=bool)
        self.first_active_day = np.full(self.size, NEVER, dtype=np.int32)
        self.last_active_day = np.full(self.size, NEVER, dtype=np.int32)
        self.last_active_hour = np.full(self.size, NEVER, dtype=np.int32)
        self.active_hours_today = np.zeros(self.size, dtype=np.int16)
        self.friend_day = np.full(self.size, NEVER, dtype=np.int32)
        self.member = np.zeros(self.size, dtype=bool)
        self.lapsed_day = np.full(self.size, NEVER, dtype=np.int32)
        self.exposure = {name: np.zeros(self.size, dtype=np.float32) for name in EXPOSURES}
        self.in_interval = DistinctRows(self.size)
        self.in_window = DistinctRows(self.size)

    def session_started(self, row: int, day: int, hour: int) -> None:
        """Count the account active in this day, hour, timeseries interval and window."""
        self.in_interval.add(row)
        self.in_window.add(row)
        if self.last_active_hour[row] != hour:
            self.last_active_hour[row] = hour
            self.active_hours_today[row] += 1
        if self.last_active_day[row] != day:
            self.last_active_day[row] = day
            while len(self.daily_active) <= day:
                self.daily_active.append(0)
            self.daily_active[day] += 1
            if self.first_active_day[row] == NEVER:
                self.first_active_day[row] = day

    def friend_interacted(self, row: int, day: int) -> None:
        self.friend_day[row] = day

    def active_on(self, day: int) -> np.ndarray:
        """Accounts with a session on `day` (valid until the next day's first session)."""
        return self.last_active_day == day

    def start_day(self) -> None:
        """Begin a day: today's active hours and exposures start again from zero."""
        self.active_hours_today[:] = 0
        for counts in self.exposure.values():
            counts[:] = 0.0
