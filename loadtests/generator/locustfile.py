"""The locustfile of `fanout loadtest`: the users, the load shape and the recorder.

Run by `fanout loadtest` in a Locust process of its own, with FANOUT_LOADTEST_PLAN naming
the plan file (see loadtests.records.plan). The user classes to run are passed on Locust's command
line: `SessionUser` for the scenario's load, `LiveAnchor` and `LiveViewer` for a live
premiere's, `ReplayUser` for a trace replay.
"""

from __future__ import annotations

from typing import Any

from locust import LoadTestShape, events
from locust.env import Environment

from loadtests.generator.measure import install
from loadtests.generator.shapes import ConstantLoad, LoadPlan, UserTarget, plan_for
from loadtests.generator.users.live import LiveAnchor, LiveViewer
from loadtests.generator.users.replay import ReplayUser
from loadtests.generator.users.session import SessionUser
from loadtests.records.plan import LocustPlan, current_plan, current_scenario

__all__ = ["LiveAnchor", "LiveViewer", "ReplayUser", "ScenarioShape", "SessionUser"]


def load_plan(plan: LocustPlan) -> LoadPlan:
    """The scenario's shape, or for a replay its user pool held until the trace is done."""
    if plan.replay is None:
        return plan_for(current_scenario())
    config = current_scenario().loadtest
    return ConstantLoad(config.users, config.spawn_rate, plan.replay.run_time_s)


class ScenarioShape(LoadTestShape):
    """Locust's clock driving the scenario's load plan (see loadtests.generator.shapes)."""

    def __init__(self) -> None:
        super().__init__()
        self.plan = load_plan(current_plan())

    def tick(self) -> UserTarget | None:
        return self.plan.tick(self.get_run_time())


@events.init.add_listener
def _record(environment: Environment, **_: Any) -> None:
    install(environment)
