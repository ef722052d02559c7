"""Replay a simulator trace: a pool of users sends each traced action when it falls due.

The pool (`loadtest.users` users) shares one Schedule in time order; a user takes the next
action, sleeps until it is due (or records how late it already is, as load-generator lag
and as part of its requests' latency, as in the open model: loadtests.generator.pacing),
and sends it as the actor's seeded account (see loadtests.records.trace for the mapping). When the
trace runs out, the last user to finish stops the test.
"""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path
from typing import NoReturn

import gevent
from locust import task
from locust.exception import StopUser

from loadtests.generator.pacing import Pacer
from loadtests.generator.script import Cast, Schedule
from loadtests.generator.users.api import comment, follow, like, publish, read_home_timeline
from loadtests.generator.users.base import FanoutUser
from loadtests.records.plan import current_plan
from loadtests.records.trace import TraceAction, read_trace

POST_TEXT = "load test post {n}: what is everyone reading tonight?"
COMMENT_TEXT = "load test comment {n}"


class Script:
    """This process's replay: the schedule, the actor mapping, and who has finished."""

    def __init__(self) -> None:
        replay = current_plan().replay
        if replay is None:
            raise RuntimeError("ReplayUser runs only with a replay plan (fanout loadtest --replay)")
        actions = read_trace(Path(replay.trace))
        self.schedule = Schedule(actions, replay.speedup, time.monotonic)
        self.cast = Cast(len(current_plan().population.ids))
        self.finished = 0


@cache
def script() -> Script:
    return Script()


class ReplayUser(FanoutUser):
    """One of the pool of users sending the trace's actions (see module docstring)."""

    def make_pacer(self) -> Pacer | None:
        return None  # the trace sets the pace

    def wait_time(self) -> float:
        return 0.0

    @task
    def send_next(self) -> None:
        taken = script().schedule.take()
        if taken is None:
            self._finish()
        action, due = taken
        late_s = time.monotonic() - due
        if late_s < 0:
            gevent.sleep(-late_s)
        self.start_action(max(0.0, late_s))
        self._send(action)

    def _finish(self) -> NoReturn:
        """Stop this user; the last one to finish stops the whole test."""
        script().finished += 1
        runner = self.environment.runner
        if runner is not None and script().finished >= runner.user_count:
            gevent.spawn(runner.quit)
        raise StopUser()

    def _send(self, action: TraceAction) -> None:
        cast, params = script().cast, action.params
        headers = self.headers_of(cast.account(action.actor))
        match action.action:
            case "timeline_read":
                page_size = self.scenario.behaviour.page_size
                read_home_timeline(self.client, headers, page_size, int(params.get("pages", 1)))
            case "post":
                post_id = publish(self.client, headers, POST_TEXT.format(n=action.t))
                if post_id is not None:
                    cast.posted(params.get("post"), post_id)
            case "follow":
                followee = self.population.ids[cast.account(params["followee"])]
                follow(self.client, headers, followee)
            case _:
                self._react(action, headers)

    def _react(self, action: TraceAction, headers: dict[str, str]) -> None:
        """A like or comment on the traced post, skipped while no post has been replayed."""
        post_id = script().cast.post(action.params.get("post"))
        if post_id is None:
            return
        if action.action == "like":
            like(self.client, headers, post_id)
        else:
            comment(self.client, headers, post_id, COMMENT_TEXT.format(n=action.t))
