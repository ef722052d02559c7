"""Fan services in the simulator: the metrics are what the microblog stored, broadcasts'
deliveries and lag are kept apart from posts', and runs are reproducible."""

from __future__ import annotations

from collections.abc import Callable

from scenario import Scenario
from sim.activities.fanservice import CERTIFIED

from .conftest import run_once

BUSY = {
    "open_share": 1.0,
    "subscriber_share": 0.5,
    "subscribe_rate": 4.0,
    "broadcasts_per_day": 48.0,
    "segment_share": 0.5,
}


def busy(tiny: Callable[..., Scenario], **changes: float) -> Scenario:
    return tiny(duration_days=0.1, behaviour={"fanservice": {**BUSY, **changes}})


def test_fanservice_metrics_are_what_the_microblog_stored(
    tiny: Callable[..., Scenario],
) -> None:
    simulation, outcome = run_once(busy(tiny))
    metrics, world = outcome.metrics, simulation.world
    certified = [row for row, kind in enumerate(world.population.kind) if kind in CERTIFIED]
    blog = world.blog
    services = [blog.fanservice.get(world.account(row)) for row in certified]
    assert metrics["fanservice.services"][0] == len(services) > 0
    assert metrics["fanservice.subscribers"][0] == sum(s.subscribers for s in services)
    stats = [blog.fanservice.stats(s.account_id) for s in services]
    assert metrics["fanservice.broadcasts"][0] == sum(s.broadcasts for s in stats) > 0
    assert metrics["fanservice.deliveries"][0] == sum(s.deliveries for s in stats) > 0
    assert metrics["fanservice.subscriptions"][0] > 0
    assert metrics["fanservice.lag.p99_s"][0] >= metrics["fanservice.lag.p50_s"][0] > 0
    assert metrics["latency.fanservice_broadcast.p99_ms"][0] > 0


def test_broadcasts_leave_posts_fanout_metrics_alone(tiny: Callable[..., Scenario]) -> None:
    """Deliveries to service inboxes are not home-timeline entries: `fanout.deliveries`
    is the same with no fan service broadcasting at all."""
    quiet = run_once(busy(tiny, broadcasts_per_day=0.0))[1].metrics
    loud = run_once(busy(tiny))[1].metrics
    assert quiet["fanservice.deliveries"][0] == 0 < loud["fanservice.deliveries"][0]
    assert loud["fanout.deliveries"] == quiet["fanout.deliveries"]
    assert "fanservice.lag.p99_s" not in quiet


def test_same_seed_same_fanservice_numbers(tiny: Callable[..., Scenario]) -> None:
    scenario = busy(tiny)
    first, second = run_once(scenario)[1].metrics, run_once(scenario)[1].metrics
    for name in ("fanservice.deliveries", "fanservice.subscribers", "fanservice.lag.p99_s"):
        assert first[name] == second[name]
