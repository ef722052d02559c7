"""`fanout plan`: the smallest platform that serves a scenario's peak hour at N users, with
its photo storage growth and egress and its live fan-out (`media_live`).

Glue between the three steps, each in its own module: the peak-hour workload at N users
(`workload`: a probe simulation, scaled), the closed-form search for the fewest servers
per station meeting the SLOs (`plan`, on `network.solve`), and the verdicts.

SLOs come from two places. Those given on the command line must name a metric the
capacity model predicts (`latency.<path>.{mean,p50,p95,p99}_ms` for a path the scenario
exercises, `utilization.<station>`, `fanout.lag.*_s`), or the plan is refused as bad
input. The scenario's own `slos:` also cover metrics the capacity model does not predict
(`errors.rate`, revenue, paths no activity produces yet); those are listed as not
planned for rather than failing the plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from outcomes.slo import Slo, parse_slo
from scenario import Scenario
from sim.capacity.demand import servers
from sim.capacity.media_live import LivePlan, MediaPlan, live_plan, media_plan
from sim.capacity.network import PlatformSolution, solve
from sim.capacity.plan import Unreachable, plan
from sim.capacity.workload import Workload, peak_factor, peak_hour, run_probe, scale


class UnreachablePlan(Unreachable):
    """No capacity meets the SLOs; keeps the measured workload, which says why."""

    def __init__(self, message: str, scenario: Scenario, workload: Workload) -> None:
        super().__init__(message)
        self.scenario = scenario.name
        self.peak_hour = peak_hour(scenario)
        self.workload = workload

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "peak_hour": self.peak_hour,
            "users": self.workload.users,
            "unreachable": str(self),
            "workload": self.workload.as_dict(),
        }


@dataclass(frozen=True)
class SloVerdict:
    slo: Slo
    predicted: float

    @property
    def met(self) -> bool:
        return self.slo.holds(self.predicted)


@dataclass(frozen=True)
class CapacityPlan:
    """The planned platform at the peak hour, with its workload and SLO verdicts."""

    scenario: str
    peak_hour: int
    workload: Workload
    solution: PlatformSolution
    verdicts: list[SloVerdict]
    not_planned: list[Slo]
    """Scenario SLOs on metrics the capacity model does not predict."""
    media: MediaPlan
    live: LivePlan

    @property
    def servers(self) -> dict[str, int]:
        return servers(self.solution.capacity)

    def as_dict(self) -> dict[str, Any]:
        solution = self.solution
        return {
            "scenario": self.scenario,
            "peak_hour": self.peak_hour,
            "users": self.workload.users,
            "servers": self.servers,
            "utilization": {name: q.utilisation for name, q in solution.stations.items()},
            "requests_per_s": solution.requests_per_s,
            "slos": [
                {"slo": str(v.slo), "predicted": v.predicted, "met": v.met} for v in self.verdicts
            ],
            "not_planned": [str(slo) for slo in self.not_planned],
            "largest_account": {
                "followers": self.workload.largest_followers,
                "deliveries": solution.largest_fanout,
                "fanout_lag_s": solution.fanout_lag_s._asdict(),
            },
            "media": asdict(self.media),
            "live": asdict(self.live),
            "workload": self.workload.as_dict(),
        }


def plan_capacity(
    scenario: Scenario, users: int, slos: Sequence[Slo], probe_users: int | None = None
) -> CapacityPlan:
    """Plan `scenario` at `users` accounts for `slos` plus the scenario's own.

    Raises ValueError for a flag SLO the capacity model cannot predict or a lower bound,
    and `UnreachablePlan` (with the measured workload) when no capacity meets them.
    """
    if users < 1:
        raise ValueError(f"--users must be at least 1, got {users}")
    workload = scale(scenario, run_probe(scenario, probe_users, users), users)
    config = scenario.platform.capacity
    loads = (workload.rates, workload.works)
    known = solve(config, *loads, workload.largest_fanout, workload.covariances).metrics()
    own = [parse_slo(text) for text in scenario.slos]
    planned = list(dict.fromkeys([*slos, *(slo for slo in own if slo.metric in known)]))
    try:
        solution = plan(config, *loads, planned, workload.largest_fanout, workload.covariances)
    except Unreachable as error:
        raise UnreachablePlan(str(error), scenario, workload) from None
    metrics = solution.metrics()
    return CapacityPlan(
        scenario=scenario.name,
        peak_hour=peak_hour(scenario),
        workload=workload,
        solution=solution,
        verdicts=[SloVerdict(slo, metrics[slo.metric]) for slo in planned],
        not_planned=[slo for slo in own if slo.metric not in known],
        media=media_plan(config, workload, peak_factor(scenario)),
        live=live_plan(config, workload, [*slos, *own]),
    )
