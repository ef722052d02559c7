"""The `events` section: scripted moments the experiment is about, such as a celebrity post.

Drives the simulator's scheduler, which fires each event at its simulated time on top of
the population's own behaviour.
"""

from __future__ import annotations

from typing import Literal

from scenario.fields import Section, spec


class ScriptedEvent(Section):
    """One scripted event; `at_hours` counts from the start of the run (see `start_hour`)."""

    kind: Literal["big_v_post", "live_premiere"] = spec(
        "big_v_post",
        "What happens: big_v_post makes a big V publish `count` posts; live_premiere makes "
        "it go on air with `count` viewers from the live list besides the share of its "
        "followers who watch (behaviour.live).",
    )
    at_hours: float = spec(0.0, "When, after the run starts.", unit="simulated hours", ge=0)
    account_rank: int = spec(
        1, "Which big V, by follower count: 1 is the most followed.", unit="rank", ge=1
    )
    count: int = spec(
        1, "Posts published at that moment (big_v_post), or viewers from the live list "
        "(live_premiere).",
        unit="posts or viewers", ge=1,
    )  # fmt: skip
