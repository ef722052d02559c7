"""One replication: a seeded microblog, its population's sessions, and the capacity model.

Time is simulated seconds from the start of the run; the microblog's clock reads the same
time as epoch seconds (from `EPOCH` at `start_hour`), so timelines order posts by it.

- Arrivals (`sim.arrivals`): per clock hour, one Poisson draw of sessions for everyone,
  thinned of churned accounts, plus the schedules' own arrivals (influencer posts, events).
- A session asks each session activity for its steps and runs every call against the
  service layer inside `microblog.work.recording()`, then hands the recorded `Work` to
  `CapacityModel.submit(path, work)`: open loop, so what people do never depends on how
  fast the platform answers, and changing the platform changes only its work and latency.
  Between calls the user thinks (`think_time_s`, exponential). A session is a chain of
  timeout callbacks rather than a SimPy process, which saves a process's start and end
  events and its generator hand-offs on every one of millions of sessions.
- A clock process samples the timeseries every interval, applies churn at the end of every
  day, opens the measured window at the end of warm-up and reports progress.

Behaviour, capacity, the payment gateway, the seeded history and how long apps stay
connected draw from separate generators spawned from the replication's seed. A refusal is
an error unless its call expected it (`Call.expected`, e.g. a wallet too short to pay:
`errors.refused`); time a call waits on the gateway (`world.waits`) adds to its latency
without holding a modelled server.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any

import numpy as np
import simpy

from microblog.errors import DomainError
from microblog.models import Post
from microblog.services.gateway import SimulatedGateway
from microblog.services.push import SimulatedPushProvider
from microblog.work import Work, recording
from outcomes.paths import POST_PATHS
from scenario import Scenario, platform_config
from sim.activities.ads import Ads
from sim.activities.apps import Apps
from sim.activities.base import (
    Arrival,
    Call,
    Estimated,
    Measured,
    Refused,
    Schedule,
    SessionActivity,
    Steps,
    Windowed,
)
from sim.activities.chat import Chat
from sim.activities.commerce import Commerce
from sim.activities.fanservice import LAG_FAMILIES, FanServiceTraffic
from sim.activities.live import LiveBroadcasts, live_delivery
from sim.activities.memberships import PaidMemberships
from sim.activities.partner import Partner
from sim.activities.payments import Payments
from sim.activities.photos import Photos
from sim.activities.push_reads import PushReads
from sim.activities.schedule import ScheduledPosts, ScriptedEvents
from sim.activities.social import Social
from sim.arrivals import (
    SECONDS_PER_DAY,
    SECONDS_PER_HOUR,
    PoissonArrivals,
    Segment,
    clock_segments,
    diurnal_profile,
)
from sim.capacity.model import CapacityModel
from sim.churn import Churn, user_metrics
from sim.client_revenue import client_revenue_metrics
from sim.collector import collector_paused, frozen_heap, settle
from sim.draws import Draws
from sim.economy import seed_economy
from sim.history import seed_history
from sim.intervals import Intervals
from sim.measure import (
    Counters,
    Metrics,
    Timeline,
    WindowStart,
    capacity_metrics,
    interval_bands,
    interval_row,
)
from sim.population import Kind, Population
from sim.push_log import PushLog
from sim.revenue import Scale, mix, revenue_intervals, revenue_metrics
from sim.seeding import seed_blog
from sim.trace import Trace
from sim.users import UserState
from sim.wallets import Wallets
from sim.world import ExternalWaits, World

EPOCH = datetime(2024, 1, 1, tzinfo=UTC).timestamp()
"""Midnight of the first simulated day, as the microblog's clock reads it."""
PROGRESS_STEP_S = 600.0
"""Simulated seconds between progress reports."""

Progress = Callable[[float], None]
"""Called with the simulated seconds done so far."""


@dataclass(frozen=True)
class Outcome:
    """What a replication produced (wall-clock figures are kept out of `metrics`)."""

    metrics: Metrics
    intervals: Intervals
    """Within-run 95 % intervals of the metrics that have one (`sim.intervals`)."""
    timeline: Timeline
    seeding_s: float
    running_s: float
    actions: int
    messages: dict[str, int] = field(default_factory=dict)
    """Messages the run's shards sent one another, by kind (sim.shards.messages); none
    unsharded."""


class Simulation:
    def __init__(
        self,
        scenario: Scenario,
        population: Population,
        seed: np.random.SeedSequence,
        trace: Trace | None = None,
        progress: Progress | None = None,
        platform_seed: np.random.SeedSequence | None = None,
    ) -> None:
        """`platform_seed`, when given, seeds the platform's history and economy instead of
        `seed`: every shard of a run seeds the same platform (the replication's) and draws
        its own behaviour."""
        streams = seed.spawn(8)  # in order: a stream added later leaves the earlier ones alone
        behaviour_seed, capacity_seed, gateway_seed, economy_seed, apps_seed = streams[:5]
        history_seed, presence_seed, push_seed = streams[5:]
        if platform_seed is not None:
            common = np.random.SeedSequence(
                platform_seed.entropy, spawn_key=platform_seed.spawn_key
            )
            _, _, _, economy_seed, _, history_seed, _, _ = common.spawn(8)
        rng = np.random.default_rng(behaviour_seed)
        self.scenario = scenario
        self.env = simpy.Environment()
        start = EPOCH + scenario.start_hour * SECONDS_PER_HOUR
        began = time.perf_counter()
        config = platform_config(scenario)
        waits = ExternalWaits()

        def clock() -> float:
            return start + self.env.now

        gateway = SimulatedGateway(
            config.money.gateway, np.random.default_rng(gateway_seed), sleep=waits.add, clock=clock
        )
        provider = SimulatedPushProvider(config.push, np.random.default_rng(push_seed))
        self.push = PushLog(provider, self.env)
        with collector_paused():
            seeded = seed_blog(config, population, clock, gateway, self.push)
            seed_history(seeded, scenario, population, np.random.default_rng(history_seed))
            economy = seed_economy(
                seeded.blog, scenario, population, seeded.first_account,
                np.random.default_rng(economy_seed), self._holds_wallet,
            )  # fmt: skip
        self.seeding_s = time.perf_counter() - began
        self.users = self._user_state(population.size)
        self.world = World(
            scenario, self.env, seeded.blog, population, self.users, Draws(rng), rng,
            seeded.first_account, seeded.group_ids, waits, self._start_at,
        )  # fmt: skip
        self.model = CapacityModel(
            self.env, scenario.platform.capacity, np.random.default_rng(capacity_seed),
            LAG_FAMILIES,
        )  # fmt: skip
        social = Social(self.world)
        wallets = Wallets(seeded.blog, population, scenario.economy.starting_balance)
        ads = Ads(self.world, social, economy.campaigns)
        partner = Partner(self.world) if scenario.economy.commerce.model == "diversion" else None
        commerce = Commerce(self.world, social, economy, wallets, partner)
        photos = Photos(self.world, social)
        memberships = PaidMemberships(self.world, wallets)
        self.activities: list[SessionActivity] = [
            social, commerce, Chat(self.world, np.random.default_rng(presence_seed)),
            Payments(self.world, wallets), memberships,
        ]  # fmt: skip
        self.schedules: list[Schedule] = [
            ScheduledPosts(self.world, commerce.scheduled_post),
            ScriptedEvents(self.world, social),
            ads,
            *([] if partner is None else [partner]),
            *([self._apps(wallets, apps_seed)] if scenario.apps.count else []),
            LiveBroadcasts(self.world, wallets),
            self._fan_services(),
            memberships,
        ]
        # A phone reads its pushes as the app opens, first in a session; made last, so its
        # stream (spawned from the behaviour generator) leaves the earlier parts' alone.
        self.activities.insert(0, PushReads(self.world))
        parts = list(dict.fromkeys([*self.activities, *self.schedules, photos, self.push]))
        self.measured = [part for part in parts if isinstance(part, Measured)]
        diurnal = diurnal_profile(scenario.behaviour.diurnal)
        self.sessions = PoissonArrivals(population.session_rate, diurnal, rng)
        self.churn = Churn(scenario, self.users, population.kind == Kind.USER, rng)
        self.end_s = scenario.duration_days * SECONDS_PER_DAY
        self.warmup_s = scenario.warmup_days * SECONDS_PER_DAY
        self.think_s = scenario.behaviour.think_time_s
        self.counters = Counters()
        self._mobile = [False] * seeded.first_account + population.mobile.tolist()
        """Whether each account id is on the mobile app (ids below the population's: no)."""
        self.timeline = Timeline()
        self.trace = trace
        self.progress = progress
        self.window: WindowStart | None = None
        self._interval_start = (0.0, Counters())

    def run(self) -> Outcome:
        began = time.perf_counter()
        self.begin()
        with frozen_heap(), collector_paused():
            self.env.run(until=self.end_s)
        return self.finish(time.perf_counter() - began)

    def begin(self) -> None:
        """Start the arrivals and the clock; then run the environment (in one go, or in
        windows as a shard does) up to `end_s`."""
        if self.warmup_s == 0:
            self._open_window()
        self.env.process(self._arrive())
        self.env.process(self._clock())

    def finish(self, running_s: float) -> Outcome:
        """The last boundary, then what the replication measured."""
        self._at(self.end_s)
        metrics, intervals = self._measure()
        return Outcome(
            metrics, intervals, self.timeline, self.seeding_s, running_s, self.counters.requests
        )

    def _measure(self) -> tuple[Metrics, Intervals]:
        """The window's metrics and the within-run intervals of those that have one."""
        assert self.window is not None
        metrics, intervals = capacity_metrics(self.model, self.window, self.counters)
        churn = self.churn
        users = user_metrics(
            self.users, churn.cohort_day, churn.retention, self.scenario.duration_days
        )
        metrics.update(users[0])
        intervals.update(users[1])
        for part in self.measured:
            metrics.update(part.metrics())
            if isinstance(part, Estimated):
                intervals.update(part.intervals())
        metrics.update(live_delivery(metrics))
        intervals.update(live_delivery(intervals))
        scale = Scale.of(self.scenario)
        intervals.update(revenue_intervals(metrics, intervals, scale))
        metrics.update(revenue_metrics(metrics, scale))
        metrics.update(client_revenue_metrics(metrics, self.world.client_revenue))
        return metrics, intervals

    # Arrivals and sessions

    def _arrive(self) -> Generator[simpy.Event, Any, None]:
        day = 0.0
        while day < self.end_s:
            end = min(day + SECONDS_PER_DAY, self.end_s)
            for segment in clock_segments(self.scenario.start_hour, day, end):
                for arrival in self._arrivals(segment):
                    delay = arrival.time_s - self.env.now
                    if delay > 0:
                        yield self.env.timeout(delay)
                    self._start(arrival)
            day = end

    def _apps(self, wallets: Wallets, seed: np.random.SeedSequence) -> Apps:
        """Third-party apps (a shard draws their users and clocks as every other shard does)."""
        return Apps(self.world, wallets, seed)

    def _fan_services(self) -> FanServiceTraffic:
        """The fan services' traffic (a shard draws which are open as every other shard does)."""
        return FanServiceTraffic(self.world)

    def _user_state(self, size: int) -> UserState:
        """The per-account state of this run (a shard's routes what it does not own)."""
        return UserState(size)

    def _may_start(self) -> np.ndarray:
        """Accounts whose sessions may arrive (a shard: only those it owns)."""
        return ~self.users.churned

    def _holds_wallet(self, row: int) -> bool:
        """Whether this simulation's ledger holds the account's wallet (a shard holds only
        its own accounts'), so seeding funds it here."""
        return True

    def _scheduled(self, segment: Segment) -> list[Arrival]:
        """The schedules' arrivals within the segment (a shard: its own accounts')."""
        return [arrival for schedule in self.schedules for arrival in schedule.arrivals(segment)]

    def _arrivals(self, segment: Segment) -> list[Arrival]:
        times, rows = self.sessions.draw(segment, self._may_start())
        plans = zip(*(activity.plan(rows) for activity in self.activities), strict=True)
        found = [
            Arrival(time_s, row, self._session, plan, True)
            for time_s, row, plan in zip(times.tolist(), rows.tolist(), plans, strict=True)
        ]
        found += self._scheduled(segment)
        found.sort(key=attrgetter("time_s"))
        return found

    def _session(self, row: int, plans: tuple[Any, ...]) -> Steps:
        self.counters.sessions += 1
        self.users.session_started(row, self.world.day, self.world.hour)
        for activity, plan in zip(self.activities, plans, strict=True):
            if plan is not None:
                yield from activity.steps(row, plan)

    def _start(self, arrival: Arrival) -> None:
        account = self.world.account(arrival.row)
        steps = arrival.steps(arrival.row, arrival.plan)
        _Visit(self, steps, account, arrival.pauses).advance()

    def _start_at(self, arrival: Arrival) -> None:
        """Start an arrival an activity scheduled for itself, at its time (`World.start_at`)."""
        delay = max(0.0, arrival.time_s - self.env.now)
        self.env.timeout(delay).callbacks.append(lambda _: self._start(arrival))

    def _perform(self, account: int, call: Call) -> Any:
        counters = self.counters
        with recording() as work:
            try:
                result = call.action()
            except DomainError as error:
                result = Refused(error)
                if isinstance(error, call.expected):
                    counters.refused += 1
                else:
                    counters.errors += 1
        self._submit(call.path, work, self.world.waits.take())
        counters.requests += 1
        counters.mobile_requests += account < len(self._mobile) and self._mobile[account]
        deliveries = work.fanout_deliveries
        if deliveries and call.path not in LAG_FAMILIES:  # a broadcast's are not posts'
            counters.deliveries += deliveries
            counters.delivery_squares += deliveries * deliveries
        if call.path in POST_PATHS:
            counters.posts += 1
        if self.trace is not None:
            created = _created_post(result)  # the replay maps reactions to the posts it made
            params = call.params if created is None else {**call.params, "post": created}
            self.trace.write(self.env.now, account, call.path, params)
        return result

    def _submit(self, path: str, work: Work, external_s: float) -> None:
        """Price a call's work on the capacity model (a shard also keeps it for the merge)."""
        self.model.submit(path, work, external_s)

    # The clock: intervals, days, warm-up, progress, garbage

    def _clock(self) -> Generator[simpy.Event, Any, None]:
        for t in self._boundaries():
            if t >= self.end_s:
                return
            yield self.env.timeout(t - self.env.now)
            self._at(t)
            settle()

    def _boundaries(self) -> list[float]:
        interval = self.scenario.timeseries_interval_hours * SECONDS_PER_HOUR
        marks = {self.warmup_s}
        for step in (interval, SECONDS_PER_DAY, PROGRESS_STEP_S):
            marks.update(np.arange(step, self.end_s + step / 2, step).tolist())
        return sorted(t for t in marks if 0 < t <= self.end_s)

    def _at(self, t: float) -> None:
        """Whatever falls due at boundary `t`: day's churn, then the sample, then the window."""
        interval = self.scenario.timeseries_interval_hours * SECONDS_PER_HOUR
        if _multiple(t, SECONDS_PER_DAY):
            self.churn.end_of_day(round(t / SECONDS_PER_DAY) - 1)
        if _multiple(t, interval) or t == self.end_s:
            self._sample()
        if t == self.warmup_s and self.window is None:
            self._open_window()
        if self.progress is not None:
            self.progress(t)

    def _sample(self) -> None:
        started, counters = self._interval_start
        snapshot = self.model.snapshot()
        churned = int(self.users.churned.sum())
        row = interval_row(
            snapshot, self.counters.since(counters), self.users.in_interval.count, churned
        )
        for part in self.measured:
            row.update(part.interval_row())
        row.update(mix(row))
        self.timeline.add(started / SECONDS_PER_HOUR, row, interval_bands(snapshot))
        self.users.in_interval.reset()
        self._interval_start = (self.env.now, self.counters.copy())

    def _open_window(self) -> None:
        self.window = WindowStart.now(self.model, self.counters)
        for part in self.measured:
            if isinstance(part, Windowed):
                part.window_opened()
        self.users.in_window.reset()


def _created_post(result: Any) -> int | None:
    """The id of the post a call created: a post, or a product post's (post, link) pair."""
    if isinstance(result, tuple) and result and isinstance(result[0], Post):
        result = result[0]
    return result.id if isinstance(result, Post) else None


def _multiple(t: float, step: float) -> bool:
    return abs(t / step - round(t / step)) < 1e-9


class _Visit:
    """One arrival's calls, made one after another with thinking in between."""

    __slots__ = ("simulation", "steps", "account", "pauses", "result")

    def __init__(self, simulation: Simulation, steps: Steps, account: int, pauses: bool) -> None:
        self.simulation = simulation
        self.steps = steps
        self.account = account
        self.pauses = pauses
        self.result: Any = None

    def advance(self, _event: simpy.Event | None = None) -> None:
        """Make the next call now; then think and come back, or go straight on."""
        simulation = self.simulation
        while True:
            try:
                call = self.steps.send(self.result)
            except StopIteration:
                return
            self.result = simulation._perform(self.account, call)
            if self.pauses:
                think = simulation.world.draws.exponential(simulation.think_s)
                simulation.env.timeout(think).callbacks.append(self.advance)
                return
