"""The running side of a replay: the trace's actions handed out in time order, and who is who.

`Schedule` gives each action the clock time it falls due at; `Cast` maps the trace's actors
to seeded accounts and its posts to the server's post ids (see loadtests.records.trace).
"""

from __future__ import annotations

from typing import Any

from loadtests.generator.pacing import Clock
from loadtests.records.trace import TraceAction


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

    def __init__(self, accounts: int) -> None:
        self._accounts = accounts
        self._actors: dict[int, int] = {}
        self._posts: dict[int | str, int] = {}
        self._newest: int | None = None

    def account(self, actor: int) -> int:
        """The seeded account index acting for `actor`."""
        return self._actors.setdefault(actor, len(self._actors) % self._accounts)

    def posted(self, trace_post: Any, server_post: int) -> None:
        if isinstance(trace_post, int | str):
            self._posts[trace_post] = server_post
        self._newest = server_post

    def post(self, trace_post: Any) -> int | None:
        """The server post a like or comment should target, or None when none exists yet."""
        known = self._posts.get(trace_post) if isinstance(trace_post, int | str) else None
        return known if known is not None else self._newest
