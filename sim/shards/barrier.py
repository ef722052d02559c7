"""What happens at a barrier between two windows, as one deterministic computation.

At the end of each window every shard reports its messages, its next free post id and what
its ad servers did (`Report`); from the K reports alone the barrier gives every shard its
next window (`Next`): its inbox in delivery order, the common post id base, its ad
allowances and the time to run to. Once the run's end is reached it gives windows that
only settle what is still in flight (the last window's messages and the refunds they
cause), and then nothing. Because the answer depends on the reports and on the barrier's
own state only, the driver can compute it (`sim.shards.executor`'s per-window loop) or
every shard can compute it for itself from everyone's reports (`sim.shards.exchange`):
the copies agree window after window, so both give the same run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sim.shards.budgets import AdBudgets, AdWindow, Grants
from sim.shards.messages import Message, route


class Report(NamedTuple):
    """What one shard tells the barrier at the end of a window."""

    outbox: list[Message]
    next_post_id: int
    ads: AdWindow


class Next(NamedTuple):
    """One shard's next window: what to apply first, then the time to run to."""

    inbox: list[Message]
    next_post_id: int
    grants: Grants
    until: float


@dataclass
class Barrier:
    """The barrier's state: the window boundary reached and every campaign's spend."""

    shards: int
    window_s: float
    end_s: float
    clock_start: float
    """Clock time of simulated second 0 (the ads' day starts at a clock hour)."""
    budgets: AdBudgets | None
    """The run's ad budgets (runs of K > 1; with one shard nothing is split)."""
    until: float = 0.0
    """The end of the window the shards are running (or just ran)."""
    reached: float = 0.0
    """The last boundary every shard reached."""
    settling: bool = False
    """Past the run's end: windows now only apply what is in flight."""
    over: bool = False
    """Past the run's end with nothing in flight: no window is left."""

    def first(self) -> tuple[list[Grants], float]:
        """Every shard's first allowances and the end of the first window."""
        self.until = min(self.window_s, self.end_s)
        grants: list[Grants] = [{} for _ in range(self.shards)]
        if self.budgets is not None:
            grants = self.budgets.grants(self.clock_start)
        return grants, self.until

    def cross(self, reports: Sequence[Report]) -> list[Next] | None:
        """Every shard's next window after the one that ended with `reports` (shard k's at
        index k), or None once the run is over and nothing is in flight."""
        inboxes = route([report.outbox for report in reports], self.shards)
        next_post_id = max(report.next_post_id for report in reports)
        if self.budgets is not None:
            self.budgets.record([report.ads for report in reports])
        if not self.settling:
            self.reached, self.until = self.until, min(self.until + self.window_s, self.end_s)
            grants: list[Grants] = [{} for _ in range(self.shards)]
            if self.budgets is not None:
                grants = self.budgets.grants(self.clock_start + self.reached)
            if self.reached < self.end_s:
                return [
                    Next(inbox, next_post_id, grants[k], self.until)
                    for k, inbox in enumerate(inboxes)
                ]
            self.settling = True
        if not any(inboxes):  # the last window's messages, and the refunds they caused
            self.over = True
            return None
        return [Next(inbox, next_post_id, {}, self.end_s) for inbox in inboxes]
