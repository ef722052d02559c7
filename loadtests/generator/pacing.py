"""Open-model pacing: start actions on a schedule, and time requests from when they were due.

A closed-model user waits for each response before thinking and acting again, so when the
server slows down the users send less and the slow period produces fewer, not slower,
samples: coordinated omission. In the open model (`loadtest.rate_actions_per_s`) each user
instead keeps a schedule of intended action starts, `interval_s` apart. After a slow
action the next one is already due: it starts at once, and its lateness (actual minus
intended start) is recorded as load-generator lag, the `loadgen.lag.*` metrics. Lag near
zero means the target rate was really offered.

Lag says that the rate was not offered, not what users arriving at that rate would have
seen. So, as wrk2 and k6 do, every request made while a scheduled action runs is timed
from when it was due rather than from when it went: the action's first request is due at
the action's scheduled start, and each later one when its predecessor answered on the
action's own timeline, which is the real one shifted back by the action's lateness. A
request of an action that started L late therefore counts L plus its response time, in
`latency.<path>.*`; its response time alone is kept as `response.<path>.*`. Without a
schedule (closed model) a request counts its response time, in `latency.*` only.

This module does not import Locust: the users use it inside Locust, tests use it directly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from loadtests.records.histograms import PathHistograms

Clock = Callable[[], float]
"""Seconds from any fixed origin (time.monotonic in Locust; a fake clock in tests)."""

LATENESS = "fanout_lateness_s"
"""Key of a request's Locust `context` holding how late (s) the action it belongs to
started; absent when the user keeps no schedule."""
MS_PER_S = 1000.0


def per_user_interval_s(actions_per_s: float, users: int) -> float:
    """Each of `users` users starts an action every this many seconds: `actions_per_s` in all."""
    return users / actions_per_s


class Pacer:
    """One user's schedule: actions due `interval_s` apart, the first at `phase_s`.

    Users start at a random phase within one interval so they do not act in lockstep.
    """

    def __init__(self, interval_s: float, clock: Clock, phase_s: float = 0.0) -> None:
        self.interval_s = interval_s
        self._clock = clock
        self._due = clock() + phase_s

    def wait_s(self) -> float:
        """How long until the next action is due (0 when it is due or late already)."""
        return max(0.0, self._due - self._clock())

    def start(self) -> float:
        """Start the due action: how late it starts (0 when on time). The one after is due
        an interval after this one was, however late this one starts."""
        lateness_s = max(0.0, self._clock() - self._due)
        self._due += self.interval_s
        return lateness_s


class RequestTimes:
    """Per request path: latency from each request's due time, and (scheduled requests
    only) response time from its actual send (see module docstring)."""

    def __init__(self) -> None:
        self.latency = PathHistograms()
        self.response = PathHistograms()

    def record(self, name: str, response_ms: float, context: Mapping[str, Any]) -> None:
        """One answered request and the Locust context it was made in."""
        lateness_s: float | None = context.get(LATENESS)
        if lateness_s is None:
            self.latency.record_ms(name, response_ms)
            return
        self.latency.record_ms(name, response_ms + lateness_s * MS_PER_S)
        self.response.record_ms(name, response_ms)

    def clear(self) -> None:
        self.latency.clear()
        self.response.clear()
