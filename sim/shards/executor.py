"""Runs one replication as K shards on Ray: the cluster, the shard actors, the window loop.

Ray because a shard is a long-lived, stateful process (a service layer each), which is
Ray's actor model, and because `--cluster ADDRESS` is `ray.init(address=...)`
(docs/sharding.md, "Engine: Ray"). By default a local cluster starts on 127.0.0.1 with one
CPU per shard and no dashboard; an already running one (a test module's, or `--cluster`)
is used as it is.

The loop: every shard starts with its first ad allowances, then for each window
`[t, t + W)` every shard applies its inbox (the previous window's messages to it, in
delivery order) and its new allowances, restarts its post ids from the common base and
runs to `t + W`, returning its messages, its priced calls, its next post id and what its
ad servers served and charged. At each barrier the messages are routed, what is left of
every budget is split (`sim.shards.budgets`) and the next window starts
(`sim.shards.barrier`): in long runs of K > 1 every shard computes that for itself from
everyone's reports (`sim.shards.exchange`, the driver hearing once per call of many
windows), else the driver does, window by window; either way the driver feeds the calls
to the one capacity model and reports progress while the shards run on. One shard runs
many windows a call (its barriers carry nothing). At the end the last window's messages
are applied, and so are the refunds and charges they cause, until nothing is in flight.
Asked to (`audit_windows`), every shard audits its ledger after applying its inbox and the
driver checks the union of the books at every barrier. A shard that raises fails the run
with its error; nothing is written before every shard has finished. Whole replications
run on the same cluster as Ray tasks (`--jobs`) when a run is not sharded.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import ray

from microblog.money_models import Audit
from scenario import Scenario
from scenario.platform_config import platform_config
from sim.arrivals import SECONDS_PER_DAY, SECONDS_PER_HOUR
from sim.capacity.requests import Calls
from sim.engine import EPOCH, Outcome, Simulation
from sim.runner import Parallelism, Populations
from sim.runner import Progress as RunProgress
from sim.shards.barrier import Barrier, Next, Report
from sim.shards.budgets import AdBudgets, AdWindow, Budget, Grants
from sim.shards.clearing import Books, union_books
from sim.shards.exchange import WINDOWS_PER_CALL, Collected, Exchanger, Failed, compile_exchange
from sim.shards.merge import MergedCapacity, merged_outcome
from sim.shards.messages import Message, Tally
from sim.shards.partition import owners, sharding_streams, shared_stream
from sim.shards.shard import ShardOutcome, ShardSimulation
from sim.shards.support import require_shardable

SOLO_WINDOWS = 600
"""Windows one call runs when the run has one shard: its barriers carry nothing (no other
shard to hear from, no budget to split), so they only report progress (every 10 simulated
minutes at W = 1 s) and cost a round trip each; the windows run back to back as one."""

EXCHANGE_FROM_WINDOWS = 4_000
"""Windows from which a run of K > 1 crosses its barriers among the shards: compiling the
exchange's graph took ~6.6 s here (60 windows a call, two actors), the driver's round trips
it saves ~1.6 ms each, so it pays from ~4,000 windows (a day at W = 1 s is 86,400; the
tests' short runs are a few hundred and keep the driver's loop)."""

ASLEEP_SHARE = 0.9
"""Share of the last call's wall time the driver sleeps through before it reads the next
call's answer: Ray's channel read does not block, it spins yielding the CPU (one K = 2
quarter-day of bench-100k: the driver's main thread made 4.2 M involuntary context
switches, 479 voluntary, 35 s of system CPU), which takes CPU from the shards on a busy
machine. Calls follow one another at a steady pace, so the driver reads near the end."""

Progress = Callable[[float], None]
"""Called with the simulated seconds every shard has reached."""

Advanced = tuple[list[Message], Calls, int, AdWindow, Books | None]
"""A shard's window: its messages, its priced calls, its next free post id, what its ad
servers served and charged, and its books after applying its inbox (when the run audits
every window)."""


class RemoteFailed(RuntimeError):
    """A shard or a replication task raised: the run stops with its error."""

    def __init__(self, part: str, index: int | None, error: BaseException) -> None:
        self.part = part
        self.index = index
        self.error = error
        where = f"a {part}" if index is None else f"{part} {index}"
        super().__init__(f"{where} failed: {type(error).__name__}: {error}")


@contextmanager
def cluster(address: str | None, cpus: int) -> Iterator[None]:
    """A Ray cluster for the block: the one already joined, `address`, or a local one
    on 127.0.0.1 with `cpus` CPUs (shut down after the block)."""
    if ray.is_initialized():
        yield
        return
    if address is None:
        ray.init(
            address="local", num_cpus=cpus, include_dashboard=False,
            _node_ip_address="127.0.0.1", log_to_driver=False, configure_logging=False,
        )  # fmt: skip
    else:
        ray.init(address=address, log_to_driver=False, configure_logging=False)
    try:
        yield
    finally:
        ray.shutdown()


class Shard:
    """The actor: one shard's simulation, built in its own process from the same seeds."""

    def __init__(
        self,
        scenario: Scenario,
        population_seed: np.random.SeedSequence,
        run_seed: np.random.SeedSequence,
        shard: int,
        shards: int,
        audit_windows: bool = False,
    ) -> None:
        scenario, population = Populations(scenario).draw(population_seed)
        partition_seed, _, seeds = sharding_streams(run_seed, shards)
        owner = owners(population, shards, partition_seed)
        self.simulation = ShardSimulation(
            scenario, population, seeds[shard], owner, shard, shards, run_seed,
            shared_stream(run_seed),
        )  # fmt: skip
        self.began = 0.0
        """The process's CPU clock when the first window began: its CPU seconds from there
        to `finish` are what the shard's windows cost, barriers included (on a shared
        machine wall time says less). Read twice a window, the clock took ~7 % of a shard's
        samples under load (a system call on this VM)."""
        self.audit_windows = audit_windows

    def ready(self) -> float:
        """Seconds this shard took to draw its population and seed its platform."""
        return self.simulation.seeding_s

    def budgets(self) -> dict[int, Budget]:
        return self.simulation.budgets()

    def start(self, grants: Grants, until: float) -> Advanced:
        self.began = time.process_time()
        self.simulation.start(grants)
        books = self._books()
        return (*self.simulation.advance(until), books)

    def step(
        self, inbox: list[Message], next_post_id: int, grants: Grants, until: float
    ) -> Advanced:
        """Apply the inbox and the allowances at the barrier, then run the next window (to
        `until`, if later)."""
        self.simulation.apply(inbox, next_post_id, grants)
        books = self._books()
        return (*self.simulation.advance(until), books)

    def keep(self, barrier: Barrier) -> None:
        """Take this shard's copy of the barrier, for the exchange among the shards."""
        self.exchanger = Exchanger(barrier, self.simulation.shard, self._window)

    def exchange(self, *reports: Report | Failed) -> Report | Failed:
        """One window of the exchange, from every shard's last report."""
        return self.exchanger.window(reports)

    def collect(self, report: Report | Failed) -> Collected:
        return self.exchanger.collect(report)

    def ad_budgets(self) -> AdBudgets | None:
        """The run's ad budgets as this shard's copy of the barrier kept them."""
        return self.exchanger.barrier.budgets

    def _window(self, window: Next) -> tuple[Report, Calls, Books | None]:
        outbox, calls, next_post_id, ads, books = self.step(*window)
        return Report(outbox, next_post_id, ads), calls, books

    def finish(self) -> ShardOutcome:
        """Measure (every message to this shard was applied)."""
        return self.simulation.outcome(time.process_time() - self.began)

    def _books(self) -> Books | None:
        return self.simulation.clearing.books() if self.audit_windows else None


ShardActor = ray.remote(num_cpus=1)(Shard)


def run_sharded(
    scenario: Scenario,
    population_seed: np.random.SeedSequence,
    run_seed: np.random.SeedSequence,
    shards: int,
    progress: Progress | None = None,
    shard_class: type[Shard] = Shard,
    budgets_class: type[AdBudgets] = AdBudgets,
    audit_windows: bool = False,
    exchange: bool | None = None,
) -> ShardedOutcome:
    """One replication on `shards` actors of the joined cluster (see `cluster`).

    `shard_class` is the actor's class (a test injects one that fails), `budgets_class`
    the driver's ad budgets (a test injects one that does not split them); `audit_windows`
    audits the union of the shards' books at every barrier (a full audit of every ledger
    each window: for tests, not for long runs). With more than one shard the barriers are
    crossed by the shards among themselves (`sim.shards.exchange`) when `exchange` is on,
    by the driver, window by window, when it is off (the same run: a test compares them),
    and when it is None by the shards if the run has `EXCHANGE_FROM_WINDOWS` windows."""
    actor: Any = ShardActor if shard_class is Shard else ray.remote(num_cpus=1)(shard_class)
    actors = [
        actor.remote(scenario, population_seed, run_seed, k, shards, audit_windows)
        for k in range(shards)
    ]
    try:
        return _window_loop(scenario, actors, run_seed, progress, budgets_class, exchange)
    finally:
        for handle in actors:
            ray.kill(handle)


@dataclass(frozen=True)
class ShardedOutcome:
    """A sharded replication: its outcome, and every message counted sent and applied."""

    outcome: Outcome
    sent: Tally
    applied: Tally
    shards: list[ShardOutcome]
    budgets: AdBudgets | None
    """Every campaign's spend over the shards (runs of K > 1)."""
    audits: list[Audit]
    """The union of the shards' books at every barrier, once its inboxes were applied
    (with `audit_windows`; else empty)."""


@dataclass
class Driver:
    """What the driver does with each window every shard ran: price its calls in the one
    capacity model, report progress, keep the union of the books."""

    capacity: MergedCapacity | None
    progress: Progress | None
    audits: list[Audit]

    def ran(self, reached: float, settling: bool, calls: Sequence[Calls],
            books: Sequence[Books | None]) -> None:  # fmt: skip
        """Shard k's calls and books at index k; a settling window only applied messages."""
        _audit(books, self.audits)
        if settling:
            return
        if self.capacity is not None:
            self.capacity.feed(calls)
        if self.progress is not None:
            self.progress(reached)


def _window_loop(
    scenario: Scenario, actors: list[Any], run_seed: np.random.SeedSequence,
    progress: Progress | None, budgets_class: type[AdBudgets], exchange: bool | None,
) -> ShardedOutcome:  # fmt: skip
    _gather([a.ready.remote() for a in actors], "shard")  # seeded: the run's clock starts now
    began = time.perf_counter()
    shards = len(actors)
    _, capacity_seed, _ = sharding_streams(run_seed, shards)
    capacity = budgets = None
    window_s = scenario.sharding.window_s * SOLO_WINDOWS
    if shards > 1:
        capacity = MergedCapacity(scenario, np.random.default_rng(capacity_seed))
        budgets = _ad_budgets(scenario, actors[0], shards, budgets_class)
        window_s = scenario.sharding.window_s
    barrier = Barrier(
        shards, window_s, scenario.duration_days * SECONDS_PER_DAY,
        EPOCH + scenario.start_hour * SECONDS_PER_HOUR, budgets,
    )  # fmt: skip
    driver = Driver(capacity, progress, [])
    windows = math.ceil(barrier.end_s / barrier.window_s)
    if exchange is None:
        exchange = windows >= EXCHANGE_FROM_WINDOWS
    if exchange and shards > 1:
        _exchanged_windows(actors, barrier, driver, min(WINDOWS_PER_CALL, windows))
        budgets = _gather([actors[0].ad_budgets.remote()], "shard")[0]
    else:
        _driven_windows(actors, barrier, driver)
    finished: list[ShardOutcome] = _gather([a.finish.remote() for a in actors], "shard")
    sent = sum((f.sent for f in finished), Counter())
    applied = sum((f.applied for f in finished), Counter())
    running_s = time.perf_counter() - began  # barriers included: what the run costs
    if capacity is None or budgets is None:
        outcome = replace(finished[0].outcome, running_s=running_s)
    else:
        outcome = merged_outcome(scenario, capacity, finished, running_s)
        outcome.metrics.update(budgets.metrics())
    by_kind: Counter[str] = Counter()
    for (kind, _, _), count in sent.items():
        by_kind[kind] += count
    outcome = replace(outcome, messages=dict(sorted(by_kind.items())))
    return ShardedOutcome(outcome, sent, applied, finished, budgets, driver.audits)


def _driven_windows(actors: list[Any], barrier: Barrier, driver: Driver) -> None:
    """Every barrier crossed by the driver: a round trip to every shard per window, the
    shards running the next window while the driver prices this one."""
    grants, until = barrier.first()
    running = [a.start.remote(grants[k], until) for k, a in enumerate(actors)]
    while True:
        outboxes, calls, next_ids, ads, books = zip(*_gather(running, "shard"), strict=True)
        reached, settling = barrier.until, barrier.settling
        nexts = barrier.cross([Report(*part) for part in zip(outboxes, next_ids, ads, strict=True)])
        if nexts is not None:
            running = [a.step.remote(*nexts[k]) for k, a in enumerate(actors)]
        driver.ran(reached, settling, calls, books)
        if nexts is None:
            return


def _exchanged_windows(actors: list[Any], barrier: Barrier, driver: Driver, per_call: int) -> None:
    """The first window as the driver runs it, then every later barrier crossed by the
    shards among themselves, `per_call` windows a call (`sim.shards.exchange`); the
    shards run the next call's windows while the driver prices this one's."""
    grants, until = barrier.first()
    _gather([a.keep.remote(barrier) for a in actors], "shard")  # each its copy, as it is now
    first = _gather([a.start.remote(grants[k], until) for k, a in enumerate(actors)], "shard")
    outboxes, calls, next_ids, ads, books = zip(*first, strict=True)
    driver.ran(until, False, calls, books)
    reports = [Report(*part) for part in zip(outboxes, next_ids, ads, strict=True)]
    graph = compile_exchange(actors, per_call)
    try:
        running, called, last_s = graph.execute(*reports), time.perf_counter(), 0.0
        while True:
            time.sleep(max(0.0, ASLEEP_SHARE * last_s - (time.perf_counter() - called)))
            collected: list[Collected] = _gather_compiled(running)
            last_s = time.perf_counter() - called
            over = collected[0].over
            if not over:
                running = graph.execute(*[part.report for part in collected])
                called = time.perf_counter()
            for window in zip(*(part.windows for part in collected), strict=True):
                driver.ran(window[0].reached, window[0].settling,
                           [part.calls for part in window],
                           [part.books for part in window])  # fmt: skip
            if over:
                return
    finally:
        graph.teardown()


def _gather_compiled(running: list[Any]) -> list[Collected]:
    """Every shard's answer to a call of the exchange; a shard's error as `RemoteFailed`."""
    try:
        collected: list[Collected] = [ref.get(timeout=-1) for ref in running]
    except (ray.exceptions.RayTaskError, ray.exceptions.RayActorError) as error:
        cause = getattr(error, "cause", None)
        reason = cause if isinstance(cause, BaseException) else error
        raise RemoteFailed("shard", None, reason) from error
    failed = next((part.report for part in collected if isinstance(part.report, Failed)), None)
    if failed is not None:
        raise RemoteFailed("shard", failed.shard, failed.error)
    return collected


def _ad_budgets(
    scenario: Scenario, actor: Any, shards: int, budgets_class: type[AdBudgets]
) -> AdBudgets:
    """The driver's ad budgets, from the campaigns every shard seeded (asked of one)."""
    seeded = _gather([actor.budgets.remote()], "shard")[0]
    return budgets_class(seeded, shards, platform_config(scenario).ads)


def _audit(books: Sequence[Books | None], audits: list[Audit]) -> None:
    """The union of the shards' books at this barrier, when they were audited."""
    if all(part is not None for part in books):
        audits.append(union_books([part for part in books if part is not None]))


def _gather(futures: list[Any], part: str) -> Any:
    """Every answer; the first error, as `RemoteFailed` naming the `part` that raised."""
    try:
        return ray.get(futures)
    except ray.exceptions.RayTaskError as error:
        cause = error.cause if isinstance(error.cause, BaseException) else error
        raise RemoteFailed(part, _failed_index(futures), cause) from error
    except ray.exceptions.RayActorError as error:
        raise RemoteFailed(part, _failed_index(futures), error) from error


def _failed_index(futures: list[Any]) -> int | None:
    """The first whose answer is an error (one still running is not)."""
    for index, future in enumerate(futures):
        try:
            ray.get(future, timeout=0)
        except (ray.exceptions.RayTaskError, ray.exceptions.RayActorError):
            return index
        except ray.exceptions.GetTimeoutError:
            continue
    return None


def simulate_on_ray(
    scenario: Scenario,
    streams: list[list[np.random.SeedSequence]],
    parallel: Parallelism,
    progress: RunProgress | None,
) -> list[Outcome]:
    """Every replication's outcome (`sim.runner.simulate`): sharded one after another, or
    whole replications as tasks, up to `parallel.jobs` at once on a local cluster."""
    if parallel.shards is not None:
        require_shardable(scenario, parallel.shards)
    cpus = parallel.jobs if parallel.shards is None else parallel.shards
    with cluster(parallel.cluster, cpus):
        if parallel.shards is None:
            return _replications_as_tasks(scenario, streams, progress)
        return [
            run_sharded(
                scenario,
                population_seed,
                run_seed,
                parallel.shards,
                _offset(progress, scenario, index, len(streams)),
            ).outcome
            for index, (population_seed, run_seed) in enumerate(streams)
        ]


def _offset(
    progress: RunProgress | None, scenario: Scenario, index: int, replications: int
) -> Progress | None:
    """Replication `index`'s progress as the whole run's."""
    if progress is None:
        return None
    run_s = scenario.duration_days * SECONDS_PER_DAY
    return lambda t: progress(index * run_s + t, replications * run_s)


def replicate(
    scenario: Scenario, population_seed: np.random.SeedSequence, run_seed: np.random.SeedSequence
) -> Outcome:
    """One whole replication in this process, as `sim.runner` runs it."""
    scenario, population = Populations(scenario).draw(population_seed)
    return Simulation(scenario, population, run_seed).run()


def _replications_as_tasks(
    scenario: Scenario, streams: list[list[np.random.SeedSequence]], progress: RunProgress | None
) -> list[Outcome]:
    task = ray.remote(num_cpus=1)(replicate)
    futures = [
        task.remote(scenario, population_seed, run_seed) for population_seed, run_seed in streams
    ]
    pending = list(futures)
    run_s = scenario.duration_days * SECONDS_PER_DAY
    while pending:
        _, pending = ray.wait(pending, num_returns=1)
        if progress is not None:
            progress((len(futures) - len(pending)) * run_s, len(futures) * run_s)
    return list(_gather(futures, "replication"))
