"""The running side of a replay: the trace's actions handed out in time order, and who is who.

`Schedule` gives each action the clock time it falls due at. `Cast` maps the trace's actors
to seeded accounts, one each in order of first appearance, wrapping round only when the
trace has more actors than accounts were seeded (`fanout loadtest --max-actors`), and the
posts the replay creates to the server's post ids. `Stable` maps any other traced id
(group, shop, product, game item, campaign; see loadtests.records.trace) onto the seeded
ones by order of first
appearance, modulo how many were seeded, so the same traced id always lands on the same
seeded one. `Follows` keeps the follows the replay knows the server has, since the server's
graph is the seeded one, not the simulator's.
"""

from __future__ import annotations

from collections.abc import Container, Hashable, Iterable, Sequence
from typing import Any

from loadtests.generator.pacing import Clock
from loadtests.records.trace import Stable, TraceAction


class Schedule:
    """Hands a trace's actions out in time order, each with the clock time it is due at.

    The first action is due when it is first taken; the rest follow at `t / speedup`.
    """

    def __init__(self, actions: list[TraceAction], speedup: float, clock: Clock) -> None:
        self._pending = iter(actions)
        self._first_t = actions[0].t
        self._speedup = speedup
        self._clock = clock
        self._start: float | None = None

    def take(self) -> tuple[TraceAction, float] | None:
        """The next action and when it is due, or None when the trace is done."""
        action = next(self._pending, None)
        if action is None:
            return None
        if self._start is None:
            self._start = self._clock()
        return action, self._start + (action.t - self._first_t) / self._speedup


class Cast:
    """Maps a trace's actors to seeded accounts and its posts to the server's post ids."""

    def __init__(self, accounts: Sequence[int], actors: Iterable[Hashable] = ()) -> None:
        """`actors` in the order they take accounts (the trace's `actors_of`)."""
        self._accounts = Stable(accounts, actors)
        self._posts: dict[int | str, tuple[int, int | None]] = {}
        self._newest: int | None = None

    def account(self, actor: int) -> int:
        """The seeded account index acting for `actor` (`accounts` are never empty)."""
        index = self._accounts(actor)
        assert index is not None, "a replay seeds at least one account"
        return index

    def posted(self, trace_post: Any, server_post: int, group: int | None = None) -> None:
        """A post the replay created (in `group`, for its members only); a public one is
        the fallback target of reactions."""
        if isinstance(trace_post, int | str):
            self._posts[trace_post] = (server_post, group)
        if group is None:
            self._newest = server_post

    def post(self, trace_post: Any, groups: Container[int] = ()) -> int | None:
        """The server post a reaction should target, or None when none exists yet: the
        replayed one if public or in one of the reacting account's `groups`, else the
        newest public post the replay created."""
        known = self._posts.get(trace_post) if isinstance(trace_post, int | str) else None
        if known is not None and (known[1] is None or known[1] in groups):
            return known[0]
        return self._newest


class Follows:
    """The follows the replay knows the server has: the seeded friends ring (each ordinary
    account and its `neighbours` either side) and those the replay made, less those it
    dropped. Other seeded follows (by popularity) it does not know of."""

    def __init__(self, ordinary: range, ids: list[int], neighbours: int) -> None:
        self._ordinary, self._ids, self._neighbours = ordinary, ids, neighbours
        self._made: set[tuple[int, int]] = set()
        self._dropped: set[tuple[int, int]] = set()

    def known(self, index: int, target: int) -> bool:
        pair = (self._ids[index], target)
        made = pair in self._made or target in self._ring(index)
        return made and pair not in self._dropped

    def any_of(self, index: int) -> int | None:
        """One account `index` follows as far as the replay knows, None when none."""
        made = sorted(b for a, b in self._made if a == self._ids[index])
        known = [target for target in self._ring(index) + made if self.known(index, target)]
        return known[0] if known else None

    def friends(self, index: int) -> list[int]:
        """The seeded friends of `index` (the ring), sorted."""
        return sorted(self._ring(index))

    def add(self, index: int, target: int) -> None:
        self._made.add((self._ids[index], target))
        self._dropped.discard((self._ids[index], target))

    def drop(self, index: int, target: int) -> None:
        self._made.discard((self._ids[index], target))
        self._dropped.add((self._ids[index], target))

    def _ring(self, index: int) -> list[int]:
        first, count = self._ordinary.start, len(self._ordinary)
        at = index - first
        steps = range(1, min(self._neighbours, count - 1) + 1)
        return [self._ids[first + (at + sign * step) % count] for step in steps for sign in (1, -1)]
