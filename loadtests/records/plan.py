"""The contract between `fanout loadtest` and its Locust process: a plan in, measurements out.

Locust runs in its own process (gevent monkey-patches everything it is imported into), so
the parent writes everything the users need to one JSON file named by an environment
variable: the resolved scenario, the seeded accounts and their tokens, the seeded economy
(shops, game items), the replay trace, and where to write the measurements. Locust workers
on other machines read the same file (copy it and set FANOUT_LOADTEST_PLAN). At the end the
Locust master (or the only process) writes the Measurements file back: request counts and
exact HDR histograms, and the server's work per request path.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from loadtests.records.cpu_use import CpuUse
from loadtests.records.deliveries import DeliveryLog
from loadtests.records.payment_log import PaymentLog
from loadtests.records.seeded import SeededEconomy, SeededPopulation
from loadtests.records.work_tally import WorkTally
from scenario import Scenario, scenario_from_dict

PLAN_ENV = "FANOUT_LOADTEST_PLAN"
PLAN_FILE = "plan.json"


class ReplayPlan(BaseModel):
    trace: str
    speedup: float
    actors: int
    """Accounts the trace names; they map 1:1 onto seeded accounts up to `max_actors`."""
    max_actors: int
    traced: int = 0
    """Actions in the trace, sent or not."""
    not_sent: dict[str, int] = {}
    """The trace's actions that are no client request (`action: reason` -> count)."""
    run_time_s: float
    """Upper bound on the replay: its span at this speedup plus a tail for the last replies."""
    peak_actions_per_s: int = 0
    """Most actions due within one real second (`trace.peak_actions_per_s`): what sizes the
    replay's pool of users."""


class LocustPlan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base_url: str
    scenario: dict[str, Any]
    population: SeededPopulation
    measurements_file: str
    replay: ReplayPlan | None = None
    economy: SeededEconomy | None = None
    """Wallet credits, shops and game items, when the users make payments."""


def write_plan(directory: Path, plan: LocustPlan) -> Path:
    file = directory / PLAN_FILE
    file.write_text(plan.model_dump_json(indent=1), encoding="utf-8")
    return file


@cache
def current_plan() -> LocustPlan:
    """The plan of this Locust process (read once; every user and hook shares it)."""
    path = os.environ.get(PLAN_ENV)
    if not path:
        raise RuntimeError(f"{PLAN_ENV} is not set: run load tests with `fanout loadtest`")
    return LocustPlan.model_validate_json(Path(path).read_text(encoding="utf-8"))


@cache
def current_scenario() -> Scenario:
    """The resolved scenario of this Locust process's plan."""
    return scenario_from_dict(current_plan().scenario, source=f"{PLAN_ENV} scenario")


class RequestCount(BaseModel):
    requests: int
    failures: int


class Measurements(BaseModel):
    """What the Locust process measured, for loadtests.control.results to turn into metrics."""

    duration_s: float
    """Seconds from the end of the warm-up (loadtest.warmup_s) to the last completed request."""
    counts: dict[str, RequestCount]
    """Requests and failures per request name (`timeline_read`, `post`...), whole run."""
    latency: dict[str, str]
    """Encoded HDR histogram of latencies per request name (loadtests.records.histograms),
    after the warm-up: its counts are the requests completed in `duration_s`. With a
    schedule (open model, replay) a request's latency counts from when it was due
    (loadtests.generator.pacing), else from its send."""
    response: dict[str, str] = Field(default_factory=dict)
    """Encoded HDR histogram of response times from the actual send per request name, of
    the requests made on a schedule (open model, replay), after the warm-up; empty without."""
    loadgen_lag: dict[str, str]
    """Encoded HDR histogram of how late scheduled actions started, under `lag` (open model
    and replay only), after the warm-up."""
    exceptions: dict[str, int]
    """How often each exception was raised by the users' own code (the test went wrong)."""
    deliveries: DeliveryLog = Field(default_factory=DeliveryLog)
    """Chat messages confirmed sent and received, before backlogs are collected."""
    live: DeliveryLog = Field(default_factory=DeliveryLog)
    """Live room comments each viewer was expected to get, and those it got."""
    payments: PaymentLog = Field(default_factory=PaymentLog)
    """Every payment call, its answer and its deliberate retry's."""
    work: WorkTally = Field(default_factory=WorkTally)
    """The server's work counters per request name, from the responses' work headers,
    after the warm-up."""
    unreported_workers: list[str] = Field(default_factory=list)
    """Locust workers whose last report never reached the master: their final seconds are
    missing from everything above (loadtests.generator.final_reports)."""
    skipped: dict[str, int] = Field(default_factory=dict)
    """Traced actions a replay did not send: `action: reason` -> count."""
    throttled: dict[str, int] = Field(default_factory=dict)
    """Requests the rate limits refused with 429 as expected (`platform.rate_limits` on),
    per request name, after the warm-up: answers, not failures."""
    loadgen_cpu: CpuUse = Field(default_factory=CpuUse)
    """CPU use of the processes that ran users, sampled after the warm-up."""


def write_measurements(path: Path, measurements: Measurements) -> None:
    path.write_text(measurements.model_dump_json(), encoding="utf-8")


def read_measurements(path: Path) -> Measurements:
    return Measurements.model_validate_json(path.read_text(encoding="utf-8"))
