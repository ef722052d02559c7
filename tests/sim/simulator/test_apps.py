"""Third-party apps in the simulator: they poll through the service layer, count against
the published per-app, per-user hourly limits, and a throttled call is no error."""

from __future__ import annotations

from collections.abc import Callable

from scenario import Scenario
from tests.sim.simulator.conftest import run_once

OVER_THE_LIMIT = {
    "apps": {
        "normal": 2, "medium": 0, "advanced": 1, "users_per_app": 3,
        "poll_interval_min_s": 10.0, "poll_interval_max_s": 14.0,
        "purchases_per_user_day": 8.0,
    },
}  # fmt: skip
"""A poll every 10-14 s is about 300 calls an hour per user: over the normal level's 150,
within the advanced level's 450."""


def metric(outcome: object, name: str) -> float:
    value: float = outcome.metrics[name][0]  # type: ignore[attr-defined]
    return value


def test_apps_over_their_limits_are_throttled_and_no_error(tiny: Callable[..., Scenario]) -> None:
    limited = tiny(**OVER_THE_LIMIT, platform={"rate_limits": True})
    free = tiny(**OVER_THE_LIMIT, platform={"rate_limits": False})
    _, on = run_once(limited)
    _, off = run_once(free)
    assert metric(on, "apps.throttled") > 0 and metric(off, "apps.throttled") == 0
    assert metric(on, "apps.requests") == metric(off, "apps.requests")
    assert metric(on, "errors.count") == metric(off, "errors.count")
    assert metric(on, "errors.rate") == metric(off, "errors.rate")
    # 6 normal-level pairs over 6 hours can pass at most 150 calls an hour each.
    assert metric(on, "apps.requests") - metric(on, "apps.throttled") <= (6 * 150 * 7 + 3 * 450 * 7)


def test_only_the_normal_level_is_throttled(tiny: Callable[..., Scenario]) -> None:
    advanced_only = {**OVER_THE_LIMIT, "apps": {**OVER_THE_LIMIT["apps"], "normal": 0}}
    _, outcome = run_once(tiny(**advanced_only, platform={"rate_limits": True}))
    assert metric(outcome, "apps.requests") > 0 and metric(outcome, "apps.throttled") == 0


def test_app_purchases_move_coins_and_the_books_balance(tiny: Callable[..., Scenario]) -> None:
    simulation, outcome = run_once(tiny(**OVER_THE_LIMIT))
    assert metric(outcome, "apps.purchases") > 0
    assert metric(outcome, "apps.purchase_volume") == 6 * metric(outcome, "apps.purchases")
    assert metric(outcome, "revenue.apps") == 0, "no platform share by default"
    assert simulation.world.blog.ledger.audit().balanced


def test_the_same_seed_gives_the_same_app_metrics(tiny: Callable[..., Scenario]) -> None:
    scenario = tiny(**OVER_THE_LIMIT, platform={"rate_limits": True})
    first, second = run_once(scenario)[1], run_once(scenario)[1]
    names = [n for n in first.metrics if n.startswith(("apps.", "latency.app_"))]
    assert names and {n: first.metrics[n] for n in names} == {n: second.metrics[n] for n in names}


def test_no_apps_no_app_metrics(tiny: Callable[..., Scenario]) -> None:
    none = {"apps": {"normal": 0, "medium": 0, "advanced": 0}}
    _, outcome = run_once(tiny(**none))
    assert not [n for n in outcome.metrics if n.startswith("apps.") or n == "revenue.apps"]
