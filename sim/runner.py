"""`fanout run`: replications of a scenario, aggregated into a Result and written to a run dir.

Each replication is an independent sample of the whole model: from its own stream spawned
from the scenario's seed it draws a population (graph, roles, rates, profiles; an edge-list
graph is read once and shared), seeds a fresh microblog with it and runs. So replication i
is the same whatever the number of replications, two scenarios run with the same seed meet
the same populations (common random numbers), and the spread between replications includes
the population's own, which is what a comparison of two seeds needs.
Metrics are means over replications with 95 % t-intervals; a run of one replication
carries instead each metric's interval from within it (`sim.intervals`), and its
timeseries the bands it measured (station utilisation). The timeseries is the mean row by
row. Wall-clock figures (how long seeding and running took, actions per second, peak
memory) go to the Result's `environment`, never into `metrics`, so the same scenario and
seed give byte-identical metrics.
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from microblog.store.memory_bulk import Csr
from outcomes.result import (
    Metric,
    Result,
    ScenarioRef,
    current_environment,
    metric_from_replicates,
)
from outcomes.stats import mean_ci95_by_row
from outcomes.timeseries import Band, Timeseries
from scenario import Scenario, resolved_dict
from sim.activities.schedule import event_authors
from sim.arrivals import SECONDS_PER_DAY
from sim.edgelist import read_edge_list
from sim.engine import Outcome, Simulation
from sim.graph import synthetic_graph
from sim.intervals import Intervals
from sim.measure import Metrics, Timeline
from sim.population import Population, build_population
from sim.trace import Trace

Progress = Callable[[float, float], None]
"""Called with (simulated seconds done over all replications, total to do)."""


@dataclass(frozen=True)
class SimulationRun:
    """A finished simulation: its Result, mean timeseries and how fast it ran."""

    result: Result
    timeseries: Timeseries
    performance: dict[str, Any]


def load_graph(scenario: Scenario, rng: np.random.Generator) -> Csr:
    """The follower graph the scenario asks for: an edge list file, or a synthetic one."""
    graph = scenario.population.graph
    if graph.kind == "edgelist":
        assert graph.path is not None, "the scenario schema requires a path for edge lists"
        return read_edge_list(graph.path, graph.undirected)
    return synthetic_graph(scenario.population, rng)


def replication_streams(seed: int, replications: int) -> list[list[np.random.SeedSequence]]:
    """The (population, run) seed pair of each replication, spawned from the scenario's seed."""
    return [child.spawn(2) for child in np.random.SeedSequence(seed).spawn(replications)]


class Populations:
    """Draws a replication's population: the graph (read once, or synthetic), then roles,
    rates and profiles; counts the time it takes."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.edge_list: Csr | None = None
        self.seconds = 0.0

    def draw(self, seed: np.random.SeedSequence) -> tuple[Scenario, Population]:
        """The scenario as run (a loaded graph decides the size) and a population for it."""
        began = time.perf_counter()
        rng = np.random.default_rng(seed)
        follows = self.edge_list if self.edge_list is not None else load_graph(self.scenario, rng)
        if self.scenario.population.graph.kind == "edgelist":
            self.edge_list = follows
        scenario = with_population_size(self.scenario, follows.n_rows)
        population = build_population(scenario, follows, rng)
        self.seconds += time.perf_counter() - began
        return scenario, population


def with_population_size(scenario: Scenario, users: int) -> Scenario:
    """The scenario as run: a loaded graph decides how many accounts there are."""
    population = scenario.population.model_copy(update={"users": users})
    return scenario.model_copy(update={"population": population})


@dataclass(frozen=True)
class Parallelism:
    """How a run spreads over processes on Ray (`sim.shards.executor`), on the cluster at
    `cluster` or a local one: each replication split into `shards` shards (run one after
    another), or, unsharded, up to `jobs` whole replications at once."""

    shards: int | None = None
    jobs: int = 1
    cluster: str | None = None

    def __post_init__(self) -> None:
        if self.shards is not None and self.jobs > 1:
            raise ValueError("jobs run whole replications at once: a sharded run takes 1")


def simulate(
    scenario: Scenario,
    trace: Path | None = None,
    progress: Progress | None = None,
    parallel: Parallelism | None = None,
) -> SimulationRun:
    """Run every replication of the scenario and aggregate them.

    Raises EdgeListError for an unreadable graph file and ScenarioError for a scenario its
    population cannot play (an event naming a big V it does not have), or that switches on
    an activity a sharded run cannot carry yet, before any run.
    """
    started_at = datetime.now(UTC)
    began = time.perf_counter()
    streams = replication_streams(scenario.seed, scenario.replications)
    populations = Populations(scenario)
    scenario, population = populations.draw(streams[0][0])
    event_authors(scenario, population)  # a scripted event's big V must exist: fail before running
    sizes = {"accounts": population.size, "follows": int(population.follows.indices.size)}
    if parallel is not None:
        from sim.shards.executor import simulate_on_ray  # imports Ray: only when asked

        if trace is not None:
            raise ValueError("a trace records one process's calls: a run on Ray has several")
        del population  # each process draws its own
        outcomes = simulate_on_ray(scenario, streams, parallel, progress)
    else:
        outcomes = []
        for index, (population_seed, run_seed) in enumerate(streams):
            if index > 0:
                _, population = populations.draw(population_seed)
            outcomes.append(_replicate(scenario, population, run_seed, index, trace, progress))
    result = Result(
        kind="simulation",
        scenario=ScenarioRef(name=scenario.name, resolved=resolved_dict(scenario)),
        seed=scenario.seed,
        replications=scenario.replications,
        started_at=started_at.isoformat(),
        duration_s=time.perf_counter() - began,
        environment={**current_environment(), "simulator": {}},
        metrics=aggregate_metrics([outcome.metrics for outcome in outcomes], outcomes[0].intervals),
    )
    performance = _performance(sizes, populations.seconds, outcomes)
    result.environment["simulator"] = performance
    return SimulationRun(result, mean_timeseries([o.timeline for o in outcomes]), performance)


def _replicate(
    scenario: Scenario,
    population: Population,
    seed: np.random.SeedSequence,
    index: int,
    trace_path: Path | None,
    progress: Progress | None,
) -> Outcome:
    """One replication; only the first is traced, so a trace replays one coherent run."""
    run_s = scenario.duration_days * SECONDS_PER_DAY
    total_s = run_s * scenario.replications
    report = None if progress is None else (lambda t: progress(index * run_s + t, total_s))
    trace = Trace(trace_path) if trace_path is not None and index == 0 else None
    try:
        return Simulation(scenario, population, seed, trace, report).run()
    finally:
        if trace is not None:
            trace.close()


def aggregate_metrics(replicates: Sequence[Metrics], within: Intervals) -> dict[str, Metric]:
    """Mean and 95 % interval of every metric all replications have, sorted by name: over
    the replications when there are several, else the first's `within`-run interval."""
    names = sorted(set.intersection(*(set(metrics) for metrics in replicates)))
    found = {
        name: metric_from_replicates(
            [metrics[name][0] for metrics in replicates], replicates[0][name][1]
        )
        for name in names
    }
    if len(replicates) == 1:
        for name in within.keys() & found.keys():
            lo, hi, method = within[name]
            found[name] = found[name].model_copy(update={"ci95": (lo, hi), "interval": method})
    return found


def mean_timeseries(timelines: Sequence[Timeline]) -> Timeseries:
    """Row-by-row mean over replications, skipping gaps (NaN) rather than spreading them,
    with each row's 95 % interval as the series' band when there are replications, and a
    single replication's own bands otherwise."""
    first = timelines[0]
    columns: dict[str, list[float]] = {}
    bands: dict[str, Band] = {}
    for name in first.columns:
        samples = np.array([t.columns[name] for t in timelines], dtype=float)
        mean, lo, hi = mean_ci95_by_row(samples)
        columns[name] = mean.tolist()
        if len(timelines) > 1:
            bands[name] = (lo.tolist(), hi.tolist())
    if len(timelines) == 1:
        bands = {name: (list(lo), list(hi)) for name, (lo, hi) in first.bands.items()}
    return Timeseries(t_hours=list(first.t_hours), columns=columns, bands=bands)


def _performance(
    sizes: dict[str, int], population_s: float, outcomes: Sequence[Outcome]
) -> dict[str, Any]:
    """How big the (first) population was and how fast the replications ran."""
    running_s = sum(outcome.running_s for outcome in outcomes)
    actions = sum(outcome.actions for outcome in outcomes)
    return {
        **sizes,
        "population_s": round(population_s, 3),
        "seeding_s": [round(outcome.seeding_s, 3) for outcome in outcomes],
        "running_s": [round(outcome.running_s, 3) for outcome in outcomes],
        "actions": [outcome.actions for outcome in outcomes],
        "messages": [outcome.messages for outcome in outcomes],
        "actions_per_s": round(actions / running_s, 1) if running_s > 0 else None,
        "peak_rss_mib": round(peak_rss_mib(), 1),
    }


def peak_rss_mib() -> float:
    """Peak resident memory of this process (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
