"""What `fanout loadtest` is asked to do, checked before any process starts or request is sent.

`prepare` turns a LoadtestRequest (the command line) into a PreparedRun, or raises a
ValueError (ScenarioError, HostRefused, TraceError, LoadtestInputError) that the CLI
reports as bad input, exit code 2.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from loadtests.control.hosts import checked_host
from loadtests.records.plan import ReplayPlan
from loadtests.records.trace import read_trace_counting_skips, replay_span_s
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
    if host is not None and not request.operator_token:
        raise LoadtestInputError(
            "--host needs --operator-token (or FANOUT_OPERATOR_TOKEN): seeding uses /admin"
        )
    replay, skipped = (
        _replay_plan(request.replay, request.speedup) if request.replay else (None, Counter())
    )
    _check_runnable(scenario, replay)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    run_dir = request.out or RESULTS_DIR / f"{scenario.name}-loadtest-{stamp}"
    notes = _notes(replay, skipped)
    return PreparedRun(request, scenario, host, run_dir, replay, notes)


def _replay_plan(trace: Path, speedup: float) -> tuple[ReplayPlan, Counter[str]]:
    """The replay's plan, and how many of each action the trace has that it will not send."""
    if speedup <= 0:
        raise LoadtestInputError(f"--speedup {speedup:g}: must be above 0")
    actions, skipped = read_trace_counting_skips(trace)
    run_time_s = replay_span_s(actions, speedup) + REPLAY_TAIL_S
    plan = ReplayPlan(trace=str(trace.resolve()), speedup=speedup, run_time_s=run_time_s)
    return plan, skipped


def _check_runnable(scenario: Scenario, replay: ReplayPlan | None) -> None:
    config = scenario.loadtest
    if replay is not None and config.processes > 1:
        raise LoadtestInputError("--replay runs in one process: drop --processes")
    if replay is not None and config.warmup_s >= replay.run_time_s:
        raise LoadtestInputError(
            f"the replay lasts {replay.run_time_s:g} s, no longer than loadtest.warmup_s: "
            "nothing would be measured"
        )


def _notes(replay: ReplayPlan | None, skipped: Counter[str]) -> list[str]:
    if replay is None:
        return []
    notes = ["a replay sends the trace's actions only: no chat or payments"]
    if skipped:
        counts = ", ".join(f"{action} ×{n}" for action, n in sorted(skipped.items()))
        notes.append(f"the replay skips actions it does not send: {counts}")
    return notes
