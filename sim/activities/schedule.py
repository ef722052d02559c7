"""Posts outside sessions: influencers' and merchants' regular posting, and scripted events.

Big V, medium V and merchant accounts post `posting.*_posts_per_day` times a day each,
arriving as one Poisson process shaped by the diurnal curve like sessions; what each post
is comes from the `post` given (the commerce activity makes its share of them product posts).
A scripted `big_v_post` event makes the big V of the given follower rank publish `count`
posts back to back at its moment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from scenario import Problem, Scenario, ScenarioError
from sim.activities.base import Arrival, Steps
from sim.activities.social import Social
from sim.arrivals import SECONDS_PER_HOUR, PoissonArrivals, Segment, diurnal_profile
from sim.population import Kind, Population
from sim.world import World


def scheduled_post_rates(scenario: Scenario, population: Population) -> np.ndarray:
    """Posts a day of each account on a timetable (big V, medium V, merchants; 0 for others)."""
    posting = scenario.behaviour.posting
    per_day = {
        Kind.BIG_V: posting.big_v_posts_per_day,
        Kind.MEDIUM_V: posting.medium_v_posts_per_day,
        Kind.MERCHANT: posting.merchant_posts_per_day,
    }
    rates = np.zeros(population.size)
    for kind, posts in per_day.items():
        rates[population.kind == kind] = posts
    return rates


class ScheduledPosts:
    """Influencers and merchants posting on their own timetable."""

    def __init__(self, world: World, post: Callable[[int], Steps]) -> None:
        rates = scheduled_post_rates(world.scenario, world.population)
        diurnal = diurnal_profile(world.scenario.behaviour.diurnal)
        self._arrivals = PoissonArrivals(rates, diurnal, world.rng)
        self.post = post

    def arrivals(self, segment: Segment) -> list[Arrival]:
        if self._arrivals.daily_total == 0:
            return []
        times, rows = self._arrivals.draw(segment)
        return [
            Arrival(time, row, self._post, None, False)
            for time, row in zip(times.tolist(), rows.tolist(), strict=True)
        ]

    def _post(self, row: int, _plan: Any) -> Steps:
        return self.post(row)


def event_authors(scenario: Scenario, population: Population) -> list[int]:
    """The row of the big V each scripted event names, by follower rank.

    Raises ScenarioError when the population has fewer big Vs than an event's rank.
    """
    ranked = population.by_followers(Kind.BIG_V)
    problems = [
        Problem(
            f"events.{index}.account_rank",
            f"asks for big V number {event.account_rank}, but the population has "
            f"{ranked.size} big V accounts",
        )
        for index, event in enumerate(scenario.events)
        if event.account_rank > ranked.size
    ]
    if problems:
        raise ScenarioError(scenario.name, problems)
    return [int(ranked[event.account_rank - 1]) for event in scenario.events]


class ScriptedEvents:
    """The scenario's `big_v_post` events: a big V's burst of posts at a given hour (the
    live activity runs `live_premiere` events)."""

    def __init__(self, world: World, social: Social) -> None:
        events = world.scenario.events
        rows = event_authors(world.scenario, world.population)
        self._events = [
            (event.at_hours * SECONDS_PER_HOUR, row, event.count)
            for event, row in zip(events, rows, strict=True)
            if event.kind == "big_v_post"
        ]
        self.world = world
        self.social = social

    def arrivals(self, segment: Segment) -> list[Arrival]:
        return [
            Arrival(time, row, self._burst, count, False)
            for time, row, count in self._events
            if segment.start_s <= time < segment.end_s
        ]

    def _burst(self, row: int, count: int) -> Steps:
        actor = self.world.account(row)
        for _ in range(count):
            yield self.social.post(actor)
