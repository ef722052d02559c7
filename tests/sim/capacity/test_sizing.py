"""`fanout plan` against the discrete-event simulator, and the monotonicity of its search."""

from __future__ import annotations

import pytest

from outcomes.slo import parse_slo
from scenario import Scenario, load_scenario
from sim.capacity.sizing import CapacityPlan, plan_capacity
from sim.capacity.workload import probe_scenario
from sim.runner import simulate

USERS = 5000
UTILISATION_POINTS = 0.05
HEAVY = [
    # Slow servers, so that a few thousand users load them the way millions load real ones.
    # By the peak hour a timeline read does ~60 row reads and ~15 cache reads (full
    # timelines, ads), so those units are slowed less than a request's fixed cost.
    "platform.capacity.app_request_ms=4000",
    "platform.capacity.db_read_ms=300",
    "platform.capacity.db_write_ms=600",
    "platform.capacity.cache_read_ms=200",
    "platform.capacity.fanout_delivery_ms=100",
    "platform.capacity.fanout_batch=50",
    "platform.fanout=push",
    # Long pauses, so that each station's arrivals are close to Poisson, as they are when
    # millisecond requests meet pauses of seconds.
    "behaviour.think_time_s=600",
    f"population.users={USERS}",
    # No feed ads: at these service times each read's campaign lookups would dwarf the
    # timeline work these SLOs were set for; the queueing under test is the same either way.
    "economy.ads.load=0",
    # Nor photo posts or live rooms (issue 20): their uploads, thumbnail reads and pushes are
    # many requests of 4 s fixed cost each here, which set the app servers on their own.
    "behaviour.photos.post_share=0",
    "behaviour.live.rooms_per_day=0",
    # Nor third-party apps (issue 21), whose polls likewise add reads these SLOs predate.
    "apps.normal=0",
    "apps.medium=0",
    "apps.advanced=0",
    # Nor phones' push-outbox reads (issue 22), one more 4 s request a mobile session.
    "behaviour.clients.mobile.push_reads_per_session=0",
    # A cold start, as these service times were set for: from baseline's week of history
    # (issue 23) every peak read pages through full feeds, and the SLOs below are out of
    # reach even without queueing (mean 22.8 s against 20 s).
    "history_days=0",
    "slos=[]",
]
SLOS = [
    parse_slo(text)
    for text in (
        "latency.timeline_read.mean_ms <= 20000",
        "utilization.app <= 0.8",
        "fanout.lag.p99_s <= 300",
    )
]


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario("scenarios/baseline.yaml", HEAVY)


@pytest.fixture(scope="module")
def planned(scenario: Scenario) -> CapacityPlan:
    return plan_capacity(scenario, USERS, SLOS)


def test_plan_agrees_with_the_discrete_event_run(scenario: Scenario, planned: CapacityPlan) -> None:
    """At a size the simulator can run, the planned capacity gives the same SLO verdicts and
    utilisations within 10 % in the simulator's own peak hour."""
    capacity = planned.solution.capacity
    platform = scenario.platform.model_copy(update={"capacity": capacity})
    run = simulate(probe_scenario(scenario.model_copy(update={"platform": platform}), USERS))
    measured = {name: metric.value for name, metric in run.result.metrics.items()}
    predicted = planned.solution.metrics()
    for station in planned.servers:
        name = f"utilization.{station}"
        # Utilisations are shares: they must agree within 5 points (0.05). A relative bound
        # would judge the fan-out workers' small, lumpy share (a few big posts an hour) by
        # noise: planned/simulated 0.194/0.219, 0.143/0.152, 0.106/0.083 for seeds 42, 1, 2.
        assert measured[name] == pytest.approx(predicted[name], abs=UTILISATION_POINTS), name
    for verdict in planned.verdicts:
        assert verdict.slo.holds(measured[verdict.slo.metric]) == verdict.met, verdict.slo


def test_tighter_slo_needs_at_least_as_much_capacity(scenario: Scenario) -> None:
    loose = plan_capacity(scenario, USERS, [parse_slo("latency.timeline_read.p99_ms <= 120000")])
    tight = plan_capacity(scenario, USERS, [parse_slo("latency.timeline_read.p99_ms <= 75000")])
    assert all(tight.servers[name] >= count for name, count in loose.servers.items())
    assert sum(tight.servers.values()) > sum(loose.servers.values())


def test_more_users_need_at_least_as_much_capacity(scenario: Scenario) -> None:
    small = plan_capacity(scenario, USERS, SLOS)
    large = plan_capacity(scenario, 10 * USERS, SLOS)
    assert all(large.servers[name] >= count for name, count in small.servers.items())
    assert sum(large.servers.values()) > sum(small.servers.values())


def test_largest_account_grows_with_users_and_its_lag_is_reported() -> None:
    """Under push the largest big V's post fans out to its share of all users."""
    scenario = load_scenario("scenarios/weibo-500m.yaml", ["platform.fanout=push", "slos=[]"])
    planned = plan_capacity(scenario, 500_000_000, [], probe_users=5000)
    high = scenario.population.graph.big_v_follower_share[1]
    assert planned.workload.largest_fanout == pytest.approx(high * 500_000_000)
    assert planned.solution.fanout_lag_s.mean > 0.0
