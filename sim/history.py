"""A steady-state start: the platform's recent past, drawn from the scenario's own behaviour.

Started with accounts and follows but no posts, a platform fills its home timelines during
the run, so every read-side figure ramps up all day: a fill-up, not load. With
`history_days` the run starts instead on the posts of that many days before it, drawn as
the run itself writes them: every account posts at its own daily rate (an ordinary user's
sessions a day times posts per session, influencers' and merchants' timetables), shaped by
the diurnal curve. They are written in one bulk store call and delivered into home
timelines as fan-out on write would have delivered them (each reader keeps the newest
`timeline_capacity` of its followees' pushed posts; hybrid pulls the rest on read), with
no simulated action and no work counted.

Group posts are drawn too (sessions a day times `per_session.group_post`, in one of the
author's groups), since home timelines merge the reader's groups' posts on read. Left out:
reposts, comments, likes and photos, whose targets would have to be drawn as well (a
repost is a post in its readers' timelines, so the history is somewhat thinner than a
day of the run).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from microblog.platform import Microblog
from microblog.store.memory import MemoryStore
from microblog.store.memory_bulk import BulkPosts, Csr, bulk_posts
from scenario import Scenario
from sim.activities.schedule import scheduled_post_rates
from sim.arrivals import SECONDS_PER_DAY, PoissonArrivals, clock_segments, diurnal_profile
from sim.population import Population
from sim.seeding import Seeded

PUBLIC = -1
"""Group row of a post written to followers rather than in a group."""


@dataclass(frozen=True)
class Drawn:
    """The history's posts, oldest first."""

    times: np.ndarray
    """Seconds before the run's start (negative), ascending."""
    rows: np.ndarray
    """Author rows."""
    groups: np.ndarray
    """Group row each was written in, `PUBLIC` for the author's followers."""


def seed_history(
    seeded: Seeded, scenario: Scenario, population: Population, rng: np.random.Generator
) -> int:
    """Write the `history_days` of posts before the run's start and fill home timelines
    with them; returns how many posts were written."""
    drawn = draw_history(scenario, population, rng)
    if drawn.rows.size == 0:
        return 0
    blog, first = seeded.blog, seeded.first_account
    store = blog.store
    assert isinstance(store, MemoryStore), "the simulator seeds a memory store"
    public = drawn.groups == PUBLIC
    pushed = pushing_authors(blog, store, first, population.size)[drawn.rows] & public
    posts = BulkPosts(
        authors=(drawn.rows + first).tolist(),
        created_at=(blog.ctx.clock() + drawn.times).tolist(),
        texts=[f"earlier post {n}" for n in range(drawn.rows.size)],
        group_ids=[None if g == PUBLIC else seeded.group_ids[g] for g in drawn.groups.tolist()],
        pushed=pushed.tolist(),
    )
    ids = np.asarray(bulk_posts(store, posts))
    followers = population.follows.transpose(population.size)
    capacity = scenario.platform.timeline_capacity
    for owner, post_ids in newest_deliveries(followers, drawn.rows[pushed], ids[pushed], capacity):
        blog.timelines.cache.merge(first + owner, post_ids)
    return int(ids.size)


def pushing_authors(blog: Microblog, store: MemoryStore, first: int, size: int) -> np.ndarray:
    """Whether fan-out on write delivers each account's posts (by the platform's own rule)."""
    accounts, pushes = store.data.accounts, blog.timelines.pushes
    return np.array([pushes(accounts[first + row]) for row in range(size)], dtype=bool)


def draw_history(scenario: Scenario, population: Population, rng: np.random.Generator) -> Drawn:
    """Public posts at each account's posting rate and group posts at its group-posting
    rate, over the `history_days` before the start, by the diurnal curve."""
    public_rates = population.session_rate * population.post_rate
    public_rates = public_rates + scheduled_post_rates(scenario, population)
    in_groups = population.groups.transpose(population.size)
    group_share = scenario.behaviour.per_session.group_post
    group_rates = population.session_rate * group_share * (in_groups.degrees() > 0)
    public_times, public_rows = _arrivals(scenario, public_rates, rng)
    group_times, group_rows = _arrivals(scenario, group_rates, rng)
    degrees = in_groups.degrees()[group_rows]
    picks = in_groups.indptr[group_rows] + (rng.random(group_rows.size) * degrees).astype(int)
    groups = np.concatenate([np.full(public_rows.size, PUBLIC), in_groups.indices[picks]])
    times = np.concatenate([public_times, group_times])
    order = np.argsort(times, kind="stable")
    return Drawn(times[order], np.concatenate([public_rows, group_rows])[order], groups[order])


def _arrivals(
    scenario: Scenario, daily_rates: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Times (ascending) and rows of posts at `daily_rates` over the history's days."""
    arrivals = PoissonArrivals(daily_rates, diurnal_profile(scenario.behaviour.diurnal), rng)
    begin = -scenario.history_days * SECONDS_PER_DAY
    segments = clock_segments(scenario.start_hour, begin, 0.0)
    drawn = [arrivals.draw(segment) for segment in segments] if arrivals.daily_total else []
    if not drawn:
        return np.zeros(0), np.zeros(0, dtype=np.int64)
    return np.concatenate([t for t, _ in drawn]), np.concatenate([r for _, r in drawn])


def newest_deliveries(
    followers: Csr, authors: np.ndarray, post_ids: np.ndarray, capacity: int
) -> list[tuple[int, list[int]]]:
    """Each reader row with the newest `capacity` ids (ascending) of the posts delivered to
    it: every post goes to every follower of its author. `post_ids` must ascend."""
    degrees = followers.degrees()[authors]
    firsts = np.repeat(followers.indptr[authors] - np.cumsum(degrees) + degrees, degrees)
    owners = followers.indices[firsts + np.arange(int(degrees.sum()))]
    delivered = np.repeat(post_ids, degrees)
    order = np.argsort(owners, kind="stable")  # a reader's posts stay in id order
    owners, delivered = owners[order], delivered[order]
    ends = np.cumsum(np.bincount(owners, minlength=followers.n_rows))
    kept = ends[owners] - np.arange(owners.size) <= capacity
    owners, delivered = owners[kept], delivered[kept]
    bounds = np.flatnonzero(np.diff(owners)) + 1
    return [
        (int(group[0]), ids.tolist())
        for group, ids in zip(np.split(owners, bounds), np.split(delivered, bounds), strict=True)
        if group.size
    ]
