"""A steady-state start: the seeded past is what the platform's own rules would have built,
at the scenario's own posting rates, and timeline reads no longer ramp up through the day."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from microblog.models import Post
from microblog.store.memory import MemoryStore
from scenario import Scenario, load_scenario
from sim.activities.schedule import scheduled_post_rates
from sim.arrivals import SECONDS_PER_DAY, diurnal_profile
from sim.engine import Simulation
from sim.history import draw_history

from .conftest import population_of, run_once


def seeded(scenario: Scenario) -> Simulation:
    population, seed = population_of(scenario)
    return Simulation(scenario, population, seed)


def history_posts(simulation: Simulation) -> list[Post]:
    store = simulation.world.blog.store
    assert isinstance(store, MemoryStore)
    return list(store.data.posts.values())


def pages(simulation: Simulation, owners: list[int]) -> list[list[int]]:
    found = [simulation.world.blog.timelines.cache.page(owner, None, 1000) for owner in owners]
    return [page or [] for page in found]


def test_no_history_starts_without_posts(tiny: Callable[..., Scenario]) -> None:
    assert history_posts(seeded(tiny())) == []


@pytest.mark.parametrize("fanout", ["push", "hybrid"])
def test_seeded_timelines_are_what_a_rebuild_from_the_store_finds(
    tiny: Callable[..., Scenario], fanout: str
) -> None:
    """Each home timeline holds exactly the followees' pushed posts the platform's own
    rebuild reads back from the store (newest `timeline_capacity`)."""
    scenario = tiny(history_days=3, platform={"fanout": fanout, "timeline_capacity": 30})
    simulation = seeded(scenario)
    owners = [simulation.world.account(row) for row in range(0, 400, 7)]
    seeded_pages = pages(simulation, owners)
    for owner in owners:
        simulation.world.blog.timelines.rebuild(owner)
    rebuilt = pages(simulation, owners)
    assert seeded_pages == rebuilt
    assert sum(map(len, rebuilt)) > len(owners)  # not trivially empty


def test_the_past_holds_posts_at_the_scenario_rates(tiny: Callable[..., Scenario]) -> None:
    """Posts a day over the history are near what the population's rates expect, shaped by
    the diurnal curve; group posts land in the author's own groups."""
    scenario = tiny(history_days=4)
    population, _ = population_of(scenario)
    simulation = seeded(scenario)
    history_stream = population_of(scenario)[1].spawn(7)[5]  # as `Simulation` spawns it
    drawn = draw_history(scenario, population, np.random.default_rng(history_stream))
    posts = history_posts(simulation)
    public = drawn.groups < 0
    daily = population.session_rate * population.post_rate
    expected = (daily + scheduled_post_rates(scenario, population)).sum() * 4
    assert drawn.rows[public].size == pytest.approx(expected, rel=0.15)
    assert np.all(np.diff(drawn.times) >= 0) and drawn.times.min() >= -4 * SECONDS_PER_DAY
    members = population.groups.transpose(population.size)
    for row, group in zip(drawn.rows[~public], drawn.groups[~public], strict=True):
        assert group in members.row(int(row))
    assert len(posts) == drawn.rows.size  # the same stream as the simulation's own
    assert max(p.created_at for p in posts) < simulation.world.blog.ctx.clock()
    hours = ((drawn.times / 3600 + scenario.start_hour) % 24).astype(int)
    busiest = int(np.argmax(diurnal_profile(scenario.behaviour.diurnal)))
    quietest = int(np.argmin(diurnal_profile(scenario.behaviour.diurnal)))
    assert np.sum(hours == busiest) > np.sum(hours == quietest)


def start_level(tiny: Callable[..., Scenario], history_days: float) -> float:
    """Timeline-read p50 latency of a day's first four hours over that of its second half.

    A tiny platform runs far below saturation, so latency follows work per read, not the
    diurnal load; follows, group joins and ads, which change what a reader reads through
    the day for other reasons, are off.
    """
    behaviour = {"per_session": {"follow": 0, "group_join": 0}}
    scenario = tiny(
        duration_days=1, start_hour=0, history_days=history_days, behaviour=behaviour,
        economy={"ads": {"load": 0}}, seed=3,
    )  # fmt: skip
    p50 = np.array(run_once(scenario)[1].timeline.columns["latency.timeline_read.p50_ms"])
    return float(p50[:4].mean() / p50[12:].mean())


def test_with_a_history_timeline_reads_do_not_fill_up_through_the_day(
    tiny: Callable[..., Scenario],
) -> None:
    """Cold, the first hours read half-empty timelines (about half the work of the
    afternoon's reads); from a week's history they read as much as later ones (seeds 3
    and 4: 0.47-0.59 cold, 0.90-1.00 from a history)."""
    assert start_level(tiny, 0) < 0.7
    assert start_level(tiny, 7) > 0.85


def shipped_start_level(
    name: str, history_days: float | None, first: int, last: int, changes: list[str]
) -> float:
    """Timeline-read p50 of a shipped scenario's `first` hours over that of the hours from
    `last` on (ads, follows and group joins on), from its own history setting or from
    `history_days`."""
    if history_days is not None:
        changes = [*changes, f"history_days={history_days}"]
    scenario = load_scenario(f"scenarios/{name}.yaml", changes)
    p50 = np.array(run_once(scenario)[1].timeline.columns["latency.timeline_read.p50_ms"])
    return float(p50[:first].mean() / p50[last:].mean())


def baseline_start_level(history_days: float | None) -> float:
    """baseline.yaml at 1,000 accounts: its first four hours over its second half."""
    return shipped_start_level("baseline", history_days, 4, 12, ["population.users=1000", "seed=1"])


def test_the_baseline_starts_in_steady_state_by_default() -> None:
    """baseline.yaml's own history leaves no fill-up ramp in its timeline reads; started
    cold it ramps (seeds 1-3 at 1,000 accounts: 0.29-0.44 cold, 0.98-1.34 as shipped)."""
    assert baseline_start_level(None) > 0.85
    assert baseline_start_level(0) < 0.6


def smoke_start_level(history_days: float | None) -> float:
    """ci-smoke.yaml (18:00 to 24:00) at 1,000 accounts: its first hour over its last three."""
    return shipped_start_level("ci-smoke", history_days, 1, 3, ["population.users=1000", "seed=1"])


def test_ci_smoke_starts_in_steady_state_by_default() -> None:
    """Not only the baseline: ci-smoke's evening, whose first hour a cold start left reading
    about half the work of its last three, reads full timelines from 18:00 on (seeds 1-3
    at 1,000 accounts: 0.44-0.69 cold, 0.85-0.97 as shipped)."""
    assert smoke_start_level(None) > 0.8
    assert smoke_start_level(0) < 0.75
