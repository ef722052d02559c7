"""What `fanout loadtest` is asked to do, checked before any process starts or request is sent.

`prepare` turns a LoadtestRequest (the command line) into a PreparedRun, or raises a
ValueError (ScenarioError, HostRefused, TraceError, LoadtestInputError) that the CLI
reports as bad input, exit code 2.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from loadtests.control.hosts import checked_host, checked_service
from loadtests.records.plan import ReplayPlan
from loadtests.records.trace import Trace, peak_actions_per_s, read_trace, replay_span_s
from scenario import Scenario, load_scenario

RESULTS_DIR = Path("results")
REPLAY_TAIL_S = 10.0
"""How long a replay may run past its last action's due time (for the last replies)."""
_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s?)?$")


class LoadtestInputError(ValueError):
    """The request cannot be run as given (bad input: exit 2)."""


@dataclass(frozen=True)
class LoadtestRequest:
    scenario: str
    overrides: tuple[str, ...] = ()
    host: str | None = None
    operator_token: str | None = None
    out: Path | None = None
    ui: bool = False
    replay: Path | None = None
    speedup: float = 60.0
    allow_remote: bool = False
    """Whether `host` may be off this machine (`--allow-remote`)."""
    max_actors: int = 20_000
    """Most seeded accounts a replay's actors map onto one to one; beyond, they share."""


@dataclass(frozen=True)
class PreparedRun:
    request: LoadtestRequest
    scenario: Scenario
    host: str | None
    run_dir: Path
    replay: ReplayPlan | None
    notes: list[str]
    """Things the user should know before the run, e.g. task weights nothing uses yet."""

    @property
    def run_time_s(self) -> float:
        return self.replay.run_time_s if self.replay else self.scenario.loadtest.run_time_s


def duration_s(text: str) -> float:
    """Seconds in `90`, `90s`, `2m`, `1h30m`; raises LoadtestInputError otherwise."""
    match = _DURATION.match(text.strip())
    if not text.strip() or not match or not any(match.groups()):
        raise LoadtestInputError(f"--run-time {text!r}: expected e.g. 60s, 2m or 1h30m")
    hours, minutes, seconds = (float(group or 0) for group in match.groups())
    return hours * 3600 + minutes * 60 + seconds


FLAG_FIELDS = {
    "users": "loadtest.users",
    "spawn_rate": "loadtest.spawn_rate",
    "run_time": "loadtest.run_time_s",
    "rate": "loadtest.rate_actions_per_s",
    "processes": "loadtest.processes",
}
"""`fanout loadtest` shorthand flags and the scenario fields they override."""


def flag_overrides(flags: dict[str, float | int | str | None]) -> list[str]:
    """Scenario overrides for the shorthand flags given (`--run-time` as a duration)."""
    overrides = []
    for flag, value in flags.items():
        if value is not None:
            number = duration_s(value) if flag == "run_time" and isinstance(value, str) else value
            overrides.append(f"{FLAG_FIELDS[flag]}={number}")
    return overrides


def prepare(request: LoadtestRequest) -> PreparedRun:
    """Validate everything about the request; raises a ValueError subclass on bad input."""
    scenario = load_scenario(request.scenario, list(request.overrides))
    host = None
    if request.host is not None:
        host = checked_host(request.host, request.allow_remote)
    else:
        server = scenario.loadtest.server
        checked_service(server.store, "loadtest.server.store", request.allow_remote)
        checked_service(server.cache, "loadtest.server.cache", request.allow_remote)
    if host is not None and not request.operator_token:
        raise LoadtestInputError(
            "--host needs --operator-token (or FANOUT_OPERATOR_TOKEN): seeding uses /admin"
        )
    replay, not_sent = None, Counter[str]()
    if request.replay is not None:
        _check_replay(request)
        trace = read_trace(request.replay)
        replay, not_sent = _replay_plan(request, trace), trace.not_sent
        scenario = _seeded_for(request, scenario, replay)
    _check_runnable(scenario, replay)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    run_dir = request.out or RESULTS_DIR / f"{scenario.name}-loadtest-{stamp}"
    notes = _notes(replay, not_sent) if replay else _premiere_notes(scenario)
    return PreparedRun(request, scenario, host, run_dir, replay, notes)


def _check_replay(request: LoadtestRequest) -> None:
    if request.speedup <= 0:
        raise LoadtestInputError(f"--speedup {request.speedup:g}: must be above 0")
    if request.max_actors < 1:
        raise LoadtestInputError(f"--max-actors {request.max_actors}: must be at least 1")


def _replay_plan(request: LoadtestRequest, trace: Trace) -> ReplayPlan:
    assert request.replay is not None
    return ReplayPlan(
        trace=str(request.replay.resolve()),
        speedup=request.speedup,
        run_time_s=replay_span_s(trace.actions, request.speedup) + REPLAY_TAIL_S,
        actors=trace.actors,
        max_actors=request.max_actors,
        traced=len(trace.actions) + trace.not_sent.total(),
        peak_actions_per_s=peak_actions_per_s(trace.actions, request.speedup),
        not_sent=dict(trace.not_sent),
    )


def _seeded_for(request: LoadtestRequest, scenario: Scenario, replay: ReplayPlan) -> Scenario:
    """The scenario seeding one ordinary account per actor (up to --max-actors) besides
    the big V and the influencers (the big V keeps its followers as far as there are any),
    with a pool of users that keeps up with the trace's peak (`loadtest.replay_answer_s`),
    all started at once: the trace, not a ramp, sets the load."""
    config = scenario.loadtest
    accounts = 1 + config.influencers + min(replay.actors, replay.max_actors)
    pool = max(config.users, math.ceil(replay.peak_actions_per_s * config.replay_answer_s))
    seeding = [
        f"loadtest.seed_users={accounts}",
        f"loadtest.big_v_followers={min(config.big_v_followers, accounts - 1)}",
        f"loadtest.users={pool}",
        f"loadtest.spawn_rate={max(config.spawn_rate, pool)}",
    ]
    return load_scenario(request.scenario, [*request.overrides, *seeding])


def _check_runnable(scenario: Scenario, replay: ReplayPlan | None) -> None:
    config = scenario.loadtest
    if replay is not None and config.processes > 1:
        raise LoadtestInputError("--replay runs in one process: drop --processes")
    if replay is not None and config.warmup_s >= replay.run_time_s:
        raise LoadtestInputError(
            f"the replay lasts {replay.run_time_s:g} s, no longer than loadtest.warmup_s: "
            "nothing would be measured"
        )


def _premiere_notes(scenario: Scenario) -> list[str]:
    """A live premiere's room in the load test is capped at `loadtest.users` less its anchor:
    every viewer is a Locust user holding a WebSocket, so one small machine runs a hundred,
    not the thousands the simulation seats."""
    listed = sum(e.count for e in scenario.events if e.kind == "live_premiere")
    if not listed:
        return []
    return [
        f"the live premiere's room holds at most {scenario.loadtest.users - 1:,} viewers "
        f"(loadtest.users less the anchor), not the thousands `fanout run` seats ({listed:,} "
        "from the live list, and followers): each viewer is a Locust user with its own socket "
        "(raise --users on a machine with the cores for it)"
    ]


def _notes(replay: ReplayPlan, not_sent: Counter[str]) -> list[str]:
    """The actors' accounts, and the trace's actions the replay will not send."""
    notes = [f"the trace's {replay.actors} actors act as one seeded account each"]
    if replay.actors > replay.max_actors:
        notes = [
            f"WARNING: the trace has {replay.actors} actors but --max-actors is "
            f"{replay.max_actors}: they share {replay.max_actors} seeded accounts, "
            f"{replay.actors / replay.max_actors:.1f} actors to an account"
        ]
    notes += [f"the replay does not send {action} (×{n})" for action, n in sorted(not_sent.items())]
    return notes
