"""A scenario's peak-hour workload at any number of users: arrival rate and mean work per path.

`fanout plan` needs, for N users (500 million, say), each request path's arrival rate at
the busiest hour and the mean `Work` of one request (with the covariance of its counters,
for the spread of service times that queueing depends on), without building N users. Both come
from a *probe*: the scenario itself, simulated at a size one machine handles
(`probe_users`, by default the scenario's own population up to `PROBE_USERS`), from its
own start to the end of its peak hour (`probe_scenario`), with every call's recorded work
in the peak hour tallied per path.
Measuring rather than re-deriving the work from the service code keeps the planner on
the very work model the simulator's capacity model prices (`demand.demand`), whatever
activities the simulator has, and it counts what sessions really do (a like needs a post
on the timeline, a follow an account not yet followed).

Scaling from the probe's n users to N:

- rates: every arrival in the simulator is a per-account Poisson process (sessions at
  `daily_active_share × sessions_per_day` per account and day, shaped by the diurnal curve;
  role posting at `posting.*_posts_per_day`), so each path's expected peak rate is linear
  in the number of accounts: rate(N) = rate(probe) × N / n. The session rate at the peak,
  N × daily_active_share × sessions_per_day × peak factor / 86 400, is reported beside it;
- the probe's platform as a reader at N sees it: a synthetic graph's influencers are
  followed by a share of *all* users, so each reader follows N × Σ share × E[follower
  share] of them, which grows with N (0.3 in a 20 000-account probe of `bench-1m`, 15 at
  its million). The probe therefore holds as many big and medium V accounts as N users
  have, each followed by its share of the probe, and scales `hybrid_threshold` by n / N,
  so an influencer is pulled in the probe exactly when it would be at N. Each reader then
  follows, reads and merges as many influencers' posts as at N (`probe_scenario`);
- work: a request's work then depends on the accounts it touches, not on N, except
  fan-out. Deliveries per second scale by N / n like every rate: an ordinary account's
  followers do not grow with N (the graph keeps `mean_followees` per user), and an
  influencer's followers do, in proportion, while their number is already N's. For the
  same reason the post rate is not scaled whole: the probe's influencer posts are
  already N's, so only the rest scale. Spreading the deliveries over the post path's
  requests shifts every post's deliveries alike, so the covariance of the counters is
  kept as measured;
- the largest account: `big_v_follower_share`'s upper end of N users (of
  `medium_v_follower_share` when there is no big V); its post's
  deliveries are what the fan-out lag is computed for when its posts are pushed (under
  hybrid, a post of an author just under `hybrid_threshold` when it is pulled). Without
  influencers, or for an edge-list graph, the probe's largest account scaled by N / n.

Scripted `events` are one-off bursts, not the steady peak, so the probe leaves them out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
from pydantic import ValidationError

from scenario import Scenario
from scenario.population import PopulationConfig
from sim.arrivals import HOURS_PER_DAY, SECONDS_PER_DAY, SECONDS_PER_HOUR, diurnal_profile
from sim.capacity.demand import WORK_FIELDS, MeanWork, WorkCounts
from sim.capacity.model import CapacityModel
from sim.engine import Simulation
from sim.graph import influencer_counts
from sim.population import Kind, Population
from sim.runner import Populations, replication_streams, with_population_size

PROBE_USERS = 20_000
"""Largest probe population by default: a day of it up to the peak takes ~20 s."""
INFLUENCER_POST_PATHS = ("post", "product_post")
"""The paths influencers' posts take (the only ones whose fan-out grows with N): plain
posts, and the `influencer_product_post_share` that promote a product (sim.activities.commerce)."""


def peak_hour(scenario: Scenario) -> int:
    """Hour of day with the most activity (the first, on ties)."""
    return int(np.argmax(scenario.behaviour.diurnal))


def peak_factor(scenario: Scenario) -> float:
    """Peak-hour activity over the day's mean (1.28 for the default curve)."""
    return float(diurnal_profile(scenario.behaviour.diurnal).max())


@dataclass(frozen=True)
class Probe:
    """What the probe simulation measured in its peak hour."""

    users: int
    requests: dict[str, int]
    """Requests per path in the peak hour."""
    work: dict[str, MeanWork]
    """Mean work of one request per path."""
    work_covariance: dict[str, np.ndarray]
    """Covariance of one request's work counters (`WORK_FIELDS` order) per path."""
    most_followers: int
    """Followers of the probe's most-followed account."""
    media_bytes: MediaBytes = field(default_factory=lambda: MediaBytes(0.0, 0.0))
    """Photo bytes stored and served in the peak hour."""


@dataclass(frozen=True)
class MediaBytes:
    """Photo and thumbnail bytes written to the media store and served to readers, in some
    span of time (the probe's peak hour; per second once scaled)."""

    stored: float
    served: float


@dataclass(frozen=True)
class Workload:
    """Peak-hour arrival rates (requests/s) and mean work per path, for `users` accounts."""

    users: int
    sessions_per_s: float
    rates: dict[str, float]
    works: dict[str, MeanWork]
    covariances: dict[str, np.ndarray]
    """Covariance of one request's work counters per path (`demand.request_variance`)."""
    largest_followers: float
    """Followers of the largest account."""
    largest_fanout: float
    """Deliveries of the largest post fanned out on write: the largest account's followers
    under push, just under `hybrid_threshold` under hybrid when it is pulled, 0 under pull."""
    media_per_s: MediaBytes = field(default_factory=lambda: MediaBytes(0.0, 0.0))
    """Photo bytes stored and served per second at the peak."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "users": self.users,
            "sessions_per_s": self.sessions_per_s,
            "largest_followers": self.largest_followers,
            "largest_fanout": self.largest_fanout,
            "media_bytes_per_s": asdict(self.media_per_s),
            "paths": {
                path: {"requests_per_s": rate, "work": asdict(self.works[path])}
                for path, rate in sorted(self.rates.items())
            },
        }


class _TallyingModel(CapacityModel):
    """The simulator's capacity model, also summing each path's work counters and their
    products (for the covariance) from `since_s` on."""

    since_s = 0.0

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        size = len(WORK_FIELDS)
        self.counts: defaultdict[str, int] = defaultdict(int)
        self.totals: defaultdict[str, np.ndarray] = defaultdict(lambda: np.zeros(size))
        self.products: defaultdict[str, np.ndarray] = defaultdict(lambda: np.zeros((size, size)))
        self.media = np.zeros(2)
        """Photo bytes stored and served (the media station's units, priced apart)."""

    def submit(self, path: str, work: WorkCounts, external_s: float = 0.0) -> None:
        if self.env.now >= self.since_s:
            vector = np.array([getattr(work, name) for name in WORK_FIELDS], dtype=float)
            self.counts[path] += 1
            self.totals[path] += vector
            self.products[path] += np.outer(vector, vector)
            self.media += (
                getattr(work, "media_bytes_stored", 0),
                getattr(work, "media_bytes_served", 0),
            )
        super().submit(path, work, external_s)

    def covariance(self, path: str) -> np.ndarray:
        """Covariance of the tallied work counters of `path` (over its requests)."""
        mean = self.totals[path] / self.counts[path]
        return self.products[path] / self.counts[path] - np.outer(mean, mean)


def probe_scenario(scenario: Scenario, users: int, planned_users: int | None = None) -> Scenario:
    """The scenario at `users` accounts as a reader of `planned_users` sees it (see the
    module docstring), its clock run from its own start to the end of the first peak hour
    after its warm-up, no events; only that peak hour is measured.

    Starting where the scenario starts matters because the platform fills as it runs: home
    timelines start empty, frequency caps count up through the day. A probe that began an
    hour before the peak measured a fifteenth of the row reads of a timeline read in the
    run's own peak hour (baseline, 20 000 users). Replaying the run's clock keeps the
    planner on the work the run would do then, and makes the probe at the scenario's own
    size the run's prefix.

    Raises ValueError when the population does not fit at `planned_users` (its influencers
    would need more follows per user than `graph.mean_followees`) or its influencers do not
    fit in `users` accounts.
    """
    warmup_h = scenario.warmup_days * HOURS_PER_DAY
    to_peak_h = warmup_h + (peak_hour(scenario) - scenario.start_hour - warmup_h) % HOURS_PER_DAY
    clock = {
        "duration_days": (to_peak_h + 1) / HOURS_PER_DAY,
        "warmup_days": to_peak_h / HOURS_PER_DAY,
        "timeseries_interval_hours": 1.0,
        "replications": 1,
        "events": [],
    }
    probe = scenario.model_copy(update=clock)
    if planned_users is not None and scenario.population.graph.kind == "synthetic":
        probe = _as_read_at(probe, users, planned_users)
    return with_population_size(probe, users)


def _as_read_at(scenario: Scenario, users: int, planned_users: int) -> Scenario:
    """`users` accounts holding the influencers of `planned_users`, pulled as they would be,
    in as many groups per account as there (`groups.count` is a number of groups, not a
    share: a 20 000-account probe of `bench-1m`'s 10 000 groups of ~50 would put each
    reader in 25 groups where a million accounts are in 0.5)."""
    population = scenario.population
    _validated(population, planned_users, f"at --users {planned_users:,}")
    big, medium = influencer_counts(population, planned_users)
    groups = population.groups.model_copy(
        update={"count": round(population.groups.count * users / planned_users)}
    )
    held = population.model_copy(
        update={"big_v_share": big / users, "medium_v_share": medium / users, "groups": groups}
    )
    _validated(
        held,
        users,
        f"a probe of {users:,} accounts holding the {big:,} big V and {medium:,} medium V "
        f"accounts of {planned_users:,} users (raise --probe-users)",
    )
    platform = scenario.platform
    threshold = max(1, round(platform.hybrid_threshold * users / planned_users))
    return scenario.model_copy(
        update={
            "population": held,
            "platform": platform.model_copy(update={"hybrid_threshold": threshold}),
        }
    )


def _check_pull_split(probe: Scenario, population: Population, planned_users: int) -> None:
    """Under hybrid, the probe's scaled threshold must stay above every ordinary account's
    followers: an ordinary account's followers do not grow with the platform, so one above
    the scaled threshold is pulled in the probe where the planned platform pushes it.

    Raises ValueError naming the probe's threshold and the ordinary account above it.
    """
    platform = probe.platform
    if platform.fanout != "hybrid":
        return
    influencer = np.isin(population.kind, [Kind.BIG_V, Kind.MEDIUM_V])
    most = int(population.initial_followers[~influencer].max(initial=0))
    if most < platform.hybrid_threshold:
        return
    raise ValueError(
        f"platform.hybrid_threshold at --users {planned_users:,} is "
        f"{platform.hybrid_threshold:,} followers in a probe of {population.size:,} accounts, "
        f"where an ordinary account already has {most:,}: the probe would pull authors the "
        "planned platform pushes. Raise --probe-users, or platform.hybrid_threshold above "
        "the followers ordinary accounts reach (graph.medium_v_follower_share's low end of "
        "all users)"
    )


def _validated(population: PopulationConfig, users: int, where: str) -> None:
    """Check the population's rules at `users` accounts; name `where` when one fails."""
    try:
        PopulationConfig.model_validate({**population.model_dump(), "users": users})
    except ValidationError as error:
        problems = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in error.errors())
        raise ValueError(f"population {where}: {problems}") from None


def run_probe(
    scenario: Scenario, users: int | None = None, planned_users: int | None = None
) -> Probe:
    """Simulate the probe (see `probe_scenario`) and tally its peak hour's work per path.

    By default the probe has the scenario's accounts, at most `PROBE_USERS` and at most
    `planned_users` (a platform small enough is simulated as it is)."""
    default = min(scenario.population.users, PROBE_USERS, planned_users or PROBE_USERS)
    size = users if users is not None else default
    probe = probe_scenario(scenario, size, planned_users)
    ((population_seed, replication_seed),) = replication_streams(probe.seed, 1)
    probe, population = Populations(probe).draw(population_seed)
    if planned_users is not None and planned_users != size:
        _check_pull_split(probe, population, planned_users)
    simulation = Simulation(probe, population, replication_seed)
    tally = _TallyingModel(simulation.env, probe.platform.capacity, np.random.default_rng(0))
    tally.since_s = probe.warmup_days * SECONDS_PER_DAY
    simulation.model = tally
    simulation.run()
    work = {
        path: MeanWork(*(tally.totals[path] / count).tolist())
        for path, count in tally.counts.items()
    }
    covariance = {path: tally.covariance(path) for path in tally.counts}
    most = int(population.initial_followers.max(initial=0))
    media = MediaBytes(*tally.media.tolist())
    return Probe(population.size, dict(tally.counts), work, covariance, most, media)


def scale(scenario: Scenario, probe: Probe, users: int) -> Workload:
    """The peak-hour workload of `users` accounts from a probe of the same scenario that
    held their influencers (`probe_scenario` with `planned_users=users`)."""
    ratio = users / probe.users
    rates = {path: count / SECONDS_PER_HOUR * ratio for path, count in probe.requests.items()}
    works = dict(probe.work)
    influencers = _influencer_posts_per_s(scenario, users)
    for path, share in influencer_post_shares(scenario, probe.users).items():
        if rates.get(path, 0.0) > 0:
            rates[path], works[path] = _held(rates[path], works[path], influencers * share, ratio)
    behaviour = scenario.behaviour
    sessions = users * behaviour.daily_active_share * behaviour.sessions_per_day
    largest = largest_followers(scenario, probe, users)
    return Workload(
        users=users,
        sessions_per_s=sessions * peak_factor(scenario) / SECONDS_PER_DAY,
        rates=rates,
        works=works,
        covariances=dict(probe.work_covariance),
        largest_followers=largest,
        largest_fanout=_largest_pushed(scenario, largest),
        media_per_s=MediaBytes(
            probe.media_bytes.stored / SECONDS_PER_HOUR * ratio,
            probe.media_bytes.served / SECONDS_PER_HOUR * ratio,
        ),
    )


def largest_followers(scenario: Scenario, probe: Probe, users: int) -> float:
    """Followers of the most-followed account among `users`.

    A synthetic graph's influencers are followed by their `*_follower_share` of all users,
    so the largest is the top of the big V range (of the medium V range without big V).
    Otherwise (no influencers, or an edge list) the probe's largest grows with the users.
    """
    population, graph = scenario.population, scenario.population.graph
    if graph.kind == "synthetic":
        if round(users * population.big_v_share) >= 1:
            return graph.big_v_follower_share[1] * users
        if round(users * population.medium_v_share) >= 1:
            return graph.medium_v_follower_share[1] * users
    return probe.most_followers * users / probe.users


def _largest_pushed(scenario: Scenario, largest: float) -> float:
    """Deliveries of the largest post fanned out on write: hybrid pulls from its threshold."""
    platform = scenario.platform
    if platform.fanout == "hybrid":
        return min(largest, platform.hybrid_threshold - 1.0)
    return largest if platform.fanout == "push" else 0.0


def influencer_post_shares(scenario: Scenario, probe_users: int) -> dict[str, float]:
    """The share of influencers' posts on each of `INFLUENCER_POST_PATHS`: product posts
    only when the probe has merchants, whose products they promote."""
    share = scenario.economy.commerce.influencer_product_post_share
    if round(probe_users * scenario.population.merchant_share) < 1:
        share = 0.0
    return dict(zip(INFLUENCER_POST_PATHS, (1.0 - share, share), strict=True))


def _held(rate: float, work: MeanWork, influencers: float, ratio: float) -> tuple[float, MeanWork]:
    """A post path's rate and mean work at N from its rate scaled by `ratio`, when
    `influencers` of its posts per second are the held influencers', already N's: only the
    rest scale. Its deliveries per second stay scaled, spread over the posts left."""
    deliveries_per_s = work.fanout_deliveries * rate
    held = max(influencers, rate - influencers * (ratio - 1))
    return held, replace(work, fanout_deliveries=deliveries_per_s / held)


def _influencer_posts_per_s(scenario: Scenario, users: int) -> float:
    """Expected posts per second at the peak of the influencers of `users` accounts."""
    posting = scenario.behaviour.posting
    big, medium = influencer_counts(scenario.population, users)
    per_day = big * posting.big_v_posts_per_day + medium * posting.medium_v_posts_per_day
    return per_day * peak_factor(scenario) / SECONDS_PER_DAY
