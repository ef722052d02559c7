"""Posts outside sessions: influencers' and merchants' regular posting, and scripted events.

Big V, medium V and merchant accounts post `posting.*_posts_per_day` times a day each,
arriving as one Poisson process shaped by the diurnal curve like sessions. (Merchant posts
are plain posts until the commerce activity turns its share of them into product posts.)
A scripted `big_v_post` event makes the big V of the given follower rank publish `count`
posts back to back at its moment.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from outcomes.scenario import Problem, ScenarioError
from sim.activities.base import Arrival, Steps
from sim.activities.social import Social
from sim.arrivals import SECONDS_PER_HOUR, PoissonArrivals, Segment, diurnal_profile
from sim.population import Kind
from sim.world import World


class ScheduledPosts:
    """Influencers and merchants posting on their own timetable."""

    def __init__(self, world: World, social: Social) -> None:
        posting = world.scenario.behaviour.posting
        per_day = {
            Kind.BIG_V: posting.big_v_posts_per_day,
            Kind.MEDIUM_V: posting.medium_v_posts_per_day,
            Kind.MERCHANT: posting.merchant_posts_per_day,
        }
        rates = np.zeros(world.population.size)
        for kind, posts in per_day.items():
            rates[world.population.kind == kind] = posts
        diurnal = diurnal_profile(world.scenario.behaviour.diurnal)
        self._arrivals = PoissonArrivals(rates, diurnal, world.rng)
        self.world = world
        self.social = social

    def arrivals(self, segment: Segment) -> list[Arrival]:
        if self._arrivals.daily_total == 0:
            return []
        times, rows = self._arrivals.draw(segment)
        return [
            Arrival(time, row, self._post, None, False)
            for time, row in zip(times.tolist(), rows.tolist(), strict=True)
        ]

    def _post(self, row: int, _plan: Any) -> Steps:
        yield self.social.post(self.world.account(row))


class ScriptedEvents:
    """The scenario's `events`: a big V's burst of posts at a given hour."""

    def __init__(self, world: World, social: Social, source: str = "<scenario>") -> None:
        ranked = world.population.by_followers(Kind.BIG_V)
        self._events: list[tuple[float, int, int]] = []
        for index, event in enumerate(world.scenario.events):
            if event.account_rank > ranked.size:
                raise ScenarioError(
                    source,
                    [
                        Problem(
                            f"events.{index}.account_rank",
                            f"asks for big V number {event.account_rank}, but the population "
                            f"has {ranked.size} big V accounts",
                        )
                    ],
                )
            row = int(ranked[event.account_rank - 1])
            self._events.append((event.at_hours * SECONDS_PER_HOUR, row, event.count))
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
