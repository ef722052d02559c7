"""The contract between the session engine and the activity modules.

An activity's part of a session is a generator of `Call`s: the engine runs each call's
`action` against the microblog inside a work-recording scope, prices the recorded work on
the capacity model under `path`, and sends the action's return value back into the
generator (a `Refused` when the service raised a DomainError), so the activity can act on
what the user saw. A refusal counts as an error unless the call names its kind among the
refusals it `expected`. Between calls of a session the user pauses (`think_time_s`).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from typing import Any, NamedTuple, Protocol, runtime_checkable

import numpy as np

from microblog.errors import DomainError
from sim.arrivals import Segment
from sim.intervals import Intervals


class Call(NamedTuple):
    """One request a user makes."""

    path: str
    """Request kind: the capacity model's path and the `latency.<path>.*` metric family."""
    action: Callable[[], Any]
    """The service-layer call, run when the user makes the request."""
    params: dict[str, Any]
    """What the request carried, for `--trace` (e.g. the post liked, the text written)."""
    expected: tuple[type[DomainError], ...] = ()
    """Refusals that are an everyday business outcome of this request, not a failure (a
    wallet too short to pay): counted in `errors.refused`, left out of `errors.rate`."""


class Refused(NamedTuple):
    """What a call returns to its activity when the service refused it."""

    error: DomainError


def succeeded(result: Any) -> bool:
    """Whether a call went through and changed something (`like` returns False on a repeat)."""
    return not isinstance(result, Refused) and result is not False


Steps = Generator[Call, Any, None]


class SessionActivity(Protocol):
    """Something people do in their sessions (social, chat, payments, shopping...)."""

    def plan(self, rows: np.ndarray) -> Sequence[Any]:
        """Draw, for a batch of arriving sessions at once, what each will do.

        One plan per session, in order; None when the activity sits that session out.
        """
        ...

    def steps(self, row: int, plan: Any) -> Steps:
        """The calls of one session's part, given its plan."""
        ...


class Arrival(NamedTuple):
    """Something that starts at a moment of its own: `steps(row, plan)` run by account `row`."""

    time_s: float
    row: int
    steps: Callable[[int, Any], Steps]
    plan: Any
    pauses: bool
    """Whether the user thinks between calls (sessions do; a scripted burst does not)."""


class Schedule(Protocol):
    """A source of arrivals outside sessions: influencers' posts, scripted events."""

    def arrivals(self, segment: Segment) -> list[Arrival]:
        """What starts within the segment of simulated time."""
        ...


@runtime_checkable
class Measured(Protocol):
    """An activity or schedule that measures something of its own (revenue, orders...).

    The engine asks it for a timeseries row at the end of every interval and for its
    metrics at the end of the replication (over the measured window), using catalogued
    metric names. Money metrics come only from activities that really move coins.
    """

    def interval_row(self) -> dict[str, float]:
        """Columns of the interval just ended, e.g. {"revenue.games": 120.0}."""
        ...

    def metrics(self) -> dict[str, tuple[float, str]]:
        """(value, unit) per metric name over the measured window."""
        ...


@runtime_checkable
class Estimated(Protocol):
    """A measured part that gives some of its metrics a within-run 95 % interval
    (`sim.intervals`: a count, a proportion, a sum of money over events)."""

    def intervals(self) -> Intervals:
        """Interval per metric name over the measured window, for the metrics it can."""
        ...


@runtime_checkable
class Windowed(Protocol):
    """A measured part that needs to know when the measured window opens (after warm-up)."""

    def window_opened(self) -> None:
        """Mark the start of the window: `metrics()` covers only what happens from now on."""
        ...
