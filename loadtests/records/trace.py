"""A simulator trace as the load test reads it: who did what, when (`--replay`).

A trace is JSON lines, one action each, in the format of the simulator's `--trace`
(sim/trace.py):

    {"t": 3600.5, "actor": 17, "action": "post", "params": {"post": 912, "text": "..."}}

`t` is simulated seconds, `actor` the simulated account, `params` what the call carried
(named as the simulator names them) plus `post`, the id of a post the call created. Every
request path is replayed (loadtests/generator/users/replay.py says how each is sent and
what it reads of `params`); `topup_callback` is the payment gateway's late answer, which
the server makes itself, and `partner_fee` the operator's billing of a commerce partner, so
they are counted as not sent, with that reason, and so is any action that is not a request
path. Nothing is dropped silently: the replay prints and
records every action it did not send, by kind and reason.

Traced ids map onto seeded ones by order of first appearance (`Stable`): accounts in the
order `actors_of` lists them, groups in the order `groups_named` does, fan services (onto
the seeded open ones) in the order `services_named` does, so the fanout process (which
seeds the trace's group memberships and subscribers' follows) and the Locust process
(which sends the actions) map them alike.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

ACTIONS = (
    "timeline_read", "post", "repost", "comment", "like", "follow", "unfollow",
    "group_post", "group_read", "group_join", "chat_presence", "chat_connect",
    "chat_friends", "chat_send", "chat_history", "chat_disconnect", "topup", "gift",
    "game_purchase", "order", "product_post", "shop_browse", "ad_click", "ad_hide",
    "campaign_report", "campaign_change", "app_poll", "app_post", "app_purchase",
    "album_create", "photo_upload", "thumbnail_read", "photo_read", "live_start", "live_end",
    "live_join", "live_leave", "live_comment", "live_gift", "fanservice_broadcast",
    "fanservice_subscribe", "membership_join", "push_read",
)  # fmt: skip
"""The request paths the replay sends."""
GROUP_ACTIONS = ("group_post", "group_read", "group_join")
BROADCAST, SUBSCRIBE = "fanservice_broadcast", "fanservice_subscribe"
NOT_SENT = {
    "topup_callback": "the payment gateway's late answer: the server makes it itself",
    "partner_fee": "the operator's billing of a commerce partner: no client request",
    "membership_renew": "the operator's membership renewal run (cron): no client request",
}
"""Traced actions that are no request of a client, and why they are not sent."""
UNKNOWN = "not a request path the replay knows"
T = TypeVar("T")


class TraceError(ValueError):
    """A trace file is missing or malformed; the message names the file and line."""


@dataclass(frozen=True)
class TraceAction:
    t: float
    actor: int
    action: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Trace:
    """The actions to send in time order, the actors they name, and what is not sent."""

    actions: list[TraceAction]
    actors: int
    """Distinct accounts acting or named as a recipient or followee (`actors_of`)."""
    not_sent: Counter[str]
    """`action: reason` -> how many of the trace's actions will not be sent."""


def read_trace(path: Path) -> Trace:
    """The trace to replay; raises TraceError on the first bad line, or when nothing in it
    can be replayed."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise TraceError(f"{path}: cannot read trace: {exc.strerror or exc}") from None
    parsed = [
        _parse(path, number, line) for number, line in enumerate(lines, start=1) if line.strip()
    ]
    actions = [action for action in parsed if action.action in ACTIONS]
    if not actions:
        raise TraceError(f"{path}: the trace has no actions the replay sends")
    not_sent = Counter(
        f"{action.action}: {NOT_SENT.get(action.action, UNKNOWN)}"
        for action in parsed
        if action.action not in ACTIONS
    )
    ordered = sorted(actions, key=lambda action: action.t)
    return Trace(ordered, len(actors_of(ordered)), not_sent)


def actors_of(actions: list[TraceAction]) -> dict[int, None]:
    """The accounts of a trace in order of first appearance: who acts, and the accounts
    named as a gift's recipient, a message's or a follow's target (they need an account)."""
    seen: dict[int, None] = {}
    for action in actions:
        seen.setdefault(action.actor)
        for key in ("account_id", "to", "recipient_id"):
            named = action.params.get(key)
            if isinstance(named, int) and not isinstance(named, bool):
                seen.setdefault(named)
    return seen


def groups_named(actions: list[TraceAction]) -> dict[Any, None]:
    """The traced groups in order of first appearance in group actions."""
    return {
        action.params["group_id"]: None
        for action in actions
        if action.action in GROUP_ACTIONS and isinstance(action.params.get("group_id"), Hashable)
    }


def services_named(actions: list[TraceAction]) -> dict[Any, None]:
    """The traced fan services (their accounts) in order of first appearance: who
    broadcasts, and whose service a follower subscribes to."""
    named: dict[Any, None] = {}
    for action in actions:
        if action.action == BROADCAST:
            named.setdefault(action.actor)
        elif action.action == SUBSCRIBE and isinstance(action.params.get("account_id"), int):
            named.setdefault(action.params["account_id"])
    return named


class Stable(Generic[T]):
    """Traced ids onto seeded things, by order of first appearance modulo how many."""

    def __init__(self, seeded: Sequence[T], order: Iterable[Hashable] = ()) -> None:
        """`order`: traced ids known beforehand, in order of first appearance."""
        self._seeded = seeded
        self._order: dict[Hashable, int] = {}
        for traced in order:
            self._order.setdefault(traced, len(self._order))

    def __call__(self, traced: Any) -> T | None:
        """The seeded thing standing for `traced`; None when nothing was seeded."""
        if not self._seeded or not isinstance(traced, Hashable):
            return None
        return self._seeded[self._order.setdefault(traced, len(self._order)) % len(self._seeded)]


def _parse(path: Path, number: int, line: str) -> TraceAction:
    where = f"{path}, line {number}"
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise TraceError(f"{where}: not JSON: {exc.msg}") from None
    if not isinstance(raw, dict):
        raise TraceError(f"{where}: expected an object with t, actor, action")
    t, actor, action, params = (raw.get(key) for key in ("t", "actor", "action", "params"))
    if not isinstance(t, int | float) or isinstance(t, bool) or t < 0:
        raise TraceError(f"{where}: field 't' must be seconds >= 0, got {t!r}")
    if not isinstance(actor, int) or isinstance(actor, bool):
        raise TraceError(f"{where}: field 'actor' must be an integer id, got {actor!r}")
    if not isinstance(action, str) or not action:
        raise TraceError(f"{where}: field 'action' must name the action, got {action!r}")
    if params is not None and not isinstance(params, dict):
        raise TraceError(f"{where}: field 'params' must be an object, got {params!r}")
    return TraceAction(float(t), actor, action, params or {})


def replay_span_s(actions: list[TraceAction], speedup: float) -> float:
    """Real seconds from the first action's send to the last one's."""
    return (actions[-1].t - actions[0].t) / speedup


def peak_actions_per_s(actions: list[TraceAction], speedup: float) -> int:
    """Most actions falling due within any one real second of the replay (actions are in
    time order), the rate the replay's pool of users must keep up with at its busiest."""
    window = speedup  # simulated seconds per real second
    peak, first = 0, 0
    for last, action in enumerate(actions):
        while action.t - actions[first].t >= window:
            first += 1
        peak = max(peak, last - first + 1)
    return peak
