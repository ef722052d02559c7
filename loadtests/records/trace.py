"""A simulator trace as the load test reads it: who did what, when (`--replay`).

A trace is JSON lines, one action each, in the format of the simulator's `--trace`:

    {"t": 3600.5, "actor": 17, "action": "post", "params": {"post": 912}}

`t` is simulated seconds, `actor` the simulated account, `params` optional. Replayed
actions and what their params mean:

| action          | request                          | params                                  |
| --------------- | -------------------------------- | --------------------------------------- |
| `timeline_read` | GET /timeline/home               | `pages` (default 1)                     |
| `post`          | POST /posts                      | `post`: the simulator's id of the post  |
| `like`          | PUT /posts/{id}/like             | `post`: the simulator's id of the post  |
| `comment`       | POST /posts/{id}/comments        | `post`: as for `like`                   |
| `follow`        | PUT /accounts/{id}/follow        | `followee`: the followed actor          |

Actors map to seeded accounts in order of first appearance (wrapping round when the trace
has more actors than `loadtest.seed_users`). A liked or commented post that the replay
created is mapped to its server id; any other goes to the newest replayed post, and the
action is skipped while there is none yet. Each action is sent at `t / speedup` seconds
after the first one; lateness is reported as load-generator lag (see loadtests.generator.pacing).
`post_id` is read as `post` and a follow's `account_id` as `followee` (the simulator's own
names). Other actions (chat, payments, ads, shopping...) are skipped and counted: the run
says how many of each it left out.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ACTIONS = ("timeline_read", "post", "like", "comment", "follow")


class TraceError(ValueError):
    """A trace file is missing or malformed; the message names the file and line."""


@dataclass(frozen=True)
class TraceAction:
    t: float
    actor: int
    action: str
    params: dict[str, Any] = field(default_factory=dict)


def read_trace(path: Path) -> list[TraceAction]:
    """Every replayable action of the trace in time order; raises TraceError on the first
    bad line, or when nothing in it can be replayed."""
    actions, _ = read_trace_counting_skips(path)
    return actions


def read_trace_counting_skips(path: Path) -> tuple[list[TraceAction], Counter[str]]:
    """The replayable actions in time order, and how many of each other action were skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise TraceError(f"{path}: cannot read trace: {exc.strerror or exc}") from None
    parsed = [
        _parse(path, number, line) for number, line in enumerate(lines, start=1) if line.strip()
    ]
    actions = [action for action in parsed if action.action in ACTIONS]
    if not actions:
        raise TraceError(
            f"{path}: the trace has no actions the replay sends ({', '.join(ACTIONS)})"
        )
    skipped = Counter(action.action for action in parsed if action.action not in ACTIONS)
    return sorted(actions, key=lambda action: action.t), skipped


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
    params = _replay_names(params or {}, action)
    if action == "follow" and not isinstance(params.get("followee"), int):
        raise TraceError(f"{where}: a follow needs params.followee, the followed actor's id")
    return TraceAction(float(t), actor, action, params)


def _replay_names(params: dict[str, Any], action: str) -> dict[str, Any]:
    """The simulator's parameter names (`post_id`, a follow's `account_id`) as the replay's."""
    renamed = dict(params)
    if "post_id" in renamed and "post" not in renamed:
        renamed["post"] = renamed.pop("post_id")
    if action == "follow" and "account_id" in renamed and "followee" not in renamed:
        renamed["followee"] = renamed.pop("account_id")
    return renamed


def replay_span_s(actions: list[TraceAction], speedup: float) -> float:
    """Real seconds from the first action's send to the last one's."""
    return (actions[-1].t - actions[0].t) / speedup
