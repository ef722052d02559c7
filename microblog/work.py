"""Work accounting: what each service call did, in units the capacity model can price.

Every service call records its work into the `Work` of the innermost `recording()` scope
(a context variable, so threads and asyncio tasks each see their own). The simulator wraps
each agent action in a scope and turns the counters into service time on modelled servers;
the HTTP layer returns them in a response header so load tests can cross-check that pricing
against measured latency. Outside any scope, recording is a no-op.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, fields


@dataclass(slots=True)
class Work:
    """Counters of the units of work one call did.

    Foreground units delay the caller; `fanout_deliveries` is background work done by
    fan-out workers after the call returns (its lag is measured separately).
    """

    db_reads: int = 0
    """Rows read from the relational store (accounts, graph, posts, ledger...)."""
    db_writes: int = 0
    """Rows inserted, updated or deleted in the relational store."""
    cache_reads: int = 0
    """Keys or list entries read from the timeline/presence cache tier."""
    cache_writes: int = 0
    """Keys or list entries written to the cache tier in the foreground."""
    merged_items: int = 0
    """Posts merged on read from followees' or groups' recent posts (pull work)."""
    pushes: int = 0
    """Real-time messages pushed to live connections (chat, presence)."""
    fanout_deliveries: int = 0
    """Home-timeline entries written by fan-out on write (background work)."""
    push_sends: int = 0
    """Push notifications handed to the push provider, one per mobile device (background
    work of the push workers)."""
    media_bytes_stored: int = 0
    """Photo and thumbnail bytes written to the media store (storage growth)."""
    media_bytes_served: int = 0
    """Photo and thumbnail bytes read from the media store for a reader (egress)."""
    thumbnail_pixels: int = 0
    """Source pixels decoded to make thumbnails: what a thumbnail's CPU grows with (a
    count, not a measured time, so the same upload always costs the same)."""

    def add(self, other: Work) -> None:
        """Accumulate another call's counters into this one."""
        for name in WORK_UNITS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int]:
        """The counters by unit name (not `dataclasses.asdict`, which deep-copies each one:
        the work header is built on every response)."""
        return {name: getattr(self, name) for name in WORK_UNITS}

    def to_header(self) -> str:
        """Compact `unit=n` list of the non-zero counters, for the HTTP work header."""
        return ",".join([f"{name}={n}" for name in WORK_UNITS if (n := getattr(self, name))])

    @classmethod
    def from_header(cls, text: str) -> Work:
        work = cls()
        for part in filter(None, text.split(",")):
            name, _, value = part.partition("=")
            if name in WORK_UNITS:
                setattr(work, name, int(value))
        return work


WORK_UNITS: tuple[str, ...] = tuple(f.name for f in fields(Work))
WORK_HEADER = "x-fanout-work"

_current: contextvars.ContextVar[Work | None] = contextvars.ContextVar("fanout_work", default=None)


def record(**units: int) -> None:
    """Add units of work to the active scope, if any."""
    work = _current.get()
    if work is not None:
        for name, count in units.items():
            setattr(work, name, getattr(work, name) + count)


class recording:  # noqa: N801 - used as a function: `with recording() as work:`
    """Collect the work done inside the block; nested scopes each collect their own.

    A class rather than `contextlib.contextmanager` because the simulator opens one scope
    per agent action, and a generator-based manager costs several times as much.
    """

    __slots__ = ("work", "_token")

    def __init__(self) -> None:
        self.work = Work()

    def __enter__(self) -> Work:
        self._token = _current.set(self.work)
        return self.work

    def __exit__(self, *_exc: object) -> None:
        _current.reset(self._token)
