"""Open-model pacing: send at a target rate and measure how far the generator falls behind.

A closed-model user waits for each response before thinking and sending again, so when the
server slows down the users send less and the slow period produces fewer, not slower,
samples: coordinated omission. In the open model (`loadtest.rate_actions_per_s`) each user instead
keeps a schedule of intended send times, `interval_s` apart. After a slow response the next
send is already due: it goes at once, and its lateness (actual minus intended send time) is
recorded as load-generator lag, reported as the `loadgen.lag.*` metrics. Lag near zero means
the target rate was really offered; a growing lag means the server (or the generator) could
not keep up, and the measured latencies understate what users at that rate would see.
"""

from __future__ import annotations

from collections.abc import Callable

Clock = Callable[[], float]
"""Seconds from any fixed origin (time.monotonic in Locust; a fake clock in tests)."""


def per_user_interval_s(actions_per_s: float, users: int) -> float:
    """Each of `users` users starts an action every this many seconds: `actions_per_s` in all."""
    return users / actions_per_s


class Pacer:
    """One user's schedule: intended send times `interval_s` apart, starting at `phase_s`.

    Users start at a random phase within one interval so they do not send in lockstep.
    """

    def __init__(self, interval_s: float, clock: Clock, phase_s: float = 0.0) -> None:
        self.interval_s = interval_s
        self._clock = clock
        self._intended = clock() + phase_s

    def first_wait_s(self) -> float:
        """How long to wait before the first send."""
        return max(0.0, self._intended - self._clock())

    def next_send(self) -> tuple[float, float]:
        """Advance to the next intended send: (seconds to wait for it, lag if already late).

        Lag is zero when the send is still ahead; otherwise it is how late the send will go.
        """
        self._intended += self.interval_s
        ahead = self._intended - self._clock()
        return max(0.0, ahead), max(0.0, -ahead)
