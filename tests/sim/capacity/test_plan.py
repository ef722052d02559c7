"""Capacity planning: the plan meets every SLO and no station can spare a server."""

from __future__ import annotations

import pytest

from microblog.work import Work
from outcomes.slo import parse_slo
from scenario.capacity import CapacityConfig
from sim.capacity.demand import SERVER_FIELDS
from sim.capacity.network import solve
from sim.capacity.plan import meets, plan

WORKS = {
    "timeline_read": Work(db_reads=2, cache_reads=40, merged_items=10),
    "post": Work(db_writes=3, cache_writes=2, fanout_deliveries=300),
    "chat_send": Work(db_writes=1, pushes=4),
    "gift": Work(db_reads=3, db_writes=4),
}
DAILY_ACTIONS = {"timeline_read": 60.0, "post": 2.0, "chat_send": 20.0, "gift": 0.5}
"""Per daily active user; a test workload, not a calibrated one."""
SLOS = [
    parse_slo(text)
    for text in (
        "latency.timeline_read.p99_ms <= 25",
        "latency.chat_send.p99_ms <= 15",
        "latency.gift.p99_ms <= 20",
        "utilization.app <= 0.75",
        "fanout.lag.p99_s <= 60",
    )
]


def peak_rates(daily_active_users: float, peak_factor: float = 3.0) -> dict[str, float]:
    return {
        path: daily_active_users * actions / 86_400 * peak_factor
        for path, actions in DAILY_ACTIONS.items()
    }


@pytest.mark.parametrize(
    ("daily_active_users", "largest_fanout"),
    [(2e5, 5e4), (2e8, 1e8)],
    ids=["small-site", "500M-users-200M-daily"],
)
def test_plan_meets_slos_and_every_station_is_minimal(
    daily_active_users: float, largest_fanout: float
) -> None:
    """The planned capacity meets every SLO; one server fewer anywhere saturates or breaks one."""
    rates = peak_rates(daily_active_users)
    planned = plan(CapacityConfig(), rates, WORKS, SLOS, largest_fanout)
    assert meets(planned, SLOS)
    for station, field in SERVER_FIELDS.items():
        fewer = getattr(planned.capacity, field) - 1
        if fewer == 0:
            continue
        smaller = planned.capacity.model_copy(update={field: fewer})
        solution = solve(smaller, rates, WORKS, largest_fanout)
        saturated = solution.stations[station].utilisation >= 1.0
        assert saturated or not meets(solution, SLOS), station


def test_plan_keeps_the_cost_figures_of_the_config() -> None:
    """Only server counts change; per-unit costs are the caller's."""
    config = CapacityConfig(db_read_ms=0.3, network_ms=2.0)
    planned = plan(config, peak_rates(2e5), WORKS, SLOS[:1])
    assert (planned.capacity.db_read_ms, planned.capacity.network_ms) == (0.3, 2.0)


def test_unknown_metric_is_rejected_by_name() -> None:
    with pytest.raises(ValueError, match="'revenue.ads'"):
        plan(CapacityConfig(), peak_rates(2e5), WORKS, [parse_slo("revenue.ads >= 10")])


def test_lower_bound_slo_is_rejected() -> None:
    """Adding servers lowers utilisation, so a floor on it cannot be planned for."""
    with pytest.raises(ValueError, match="upper bounds"):
        plan(CapacityConfig(), peak_rates(2e5), WORKS, [parse_slo("utilization.app >= 0.5")])


def test_slo_below_the_no_queueing_floor_is_unreachable() -> None:
    """A p99 under the network round trip cannot be bought with servers."""
    with pytest.raises(ValueError, match="no capacity meets"):
        plan(CapacityConfig(), peak_rates(2e5), WORKS, [parse_slo("latency.gift.p99_ms < 0.5")])
