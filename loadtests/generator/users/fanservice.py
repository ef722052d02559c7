"""Fan-service traffic in a load test, as sim/activities/fanservice.py makes it.

The simulator's certified accounts broadcast, and their followers subscribe, on their own
clock rather than in sessions; as the scheduled posts do (scheduled.py), each session
brings Poisson(mean) broadcasts and subscriptions with the means of
loadtests.generator.session_mix.fanservice_calls_per_session, made without thinking.

- `fanservice_broadcast`: an open service drawn uniformly (loadtests.control.seed_fanservice
  opened them) broadcasts; a `segment_share` of broadcasts go to one region, drawn by
  `population.profile.regions`, the rest to every subscriber.
- `fanservice_subscribe`: a follower not yet subscribed, drawn uniformly from this process's
  share of the seeded ones (each process takes every `processes`-th, so no two subscribe
  the same follower), subscribes and leaves the pool. Once the pool is empty a subscribed
  follower subscribes again (the same request, answered "no change"), so the request mix
  keeps the simulator's share. A follower who unfollowed the account since (the session's
  unfollows) is refused with 403: an everyday answer, as in the simulator, not an error.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
from locust.contrib.fasthttp import FastHttpSession

from loadtests.generator.session_mix import FanServiceCall, fanservice_calls_per_session
from loadtests.generator.users.api import Headers, bearer
from loadtests.records.plan import current_plan
from loadtests.records.seeded import SeededFanService

if TYPE_CHECKING:
    from loadtests.generator.users.session import SessionUser

UNFOLLOWED = 403
"""A subscriber who no longer follows the account: the platform's refusal, expected."""


def fanservice_broadcast(
    client: FastHttpSession, headers: Headers, text: str, region: str | None
) -> None:
    """The account broadcasts to its subscribers, or one region's (`fanservice_broadcast`)."""
    segment = None if region is None else {"field": "region", "value": region}
    body: dict[str, Any] = {"text": text, "segment": segment}
    client.post("/fanservice/broadcasts", json=body, headers=headers, name="fanservice_broadcast")


def fanservice_subscribe(client: FastHttpSession, headers: Headers, account_id: int) -> None:
    """Subscribe to a followed account's fan service (`fanservice_subscribe`)."""
    url = f"/fanservice/{account_id}/subscription"
    name = "fanservice_subscribe"
    with client.put(url, headers=headers, name=name, catch_response=True) as response:
        if response.status_code == UNFOLLOWED:
            response.success()


class SubscriberPool:
    """This process's followers of open services, waiting or subscribed (shared by its users)."""

    def __init__(self, waiting: list[tuple[int, int]], subscribed: list[tuple[int, int]]) -> None:
        self.waiting, self.subscribed = waiting, subscribed

    def take(self, rng: np.random.Generator) -> tuple[int, int] | None:
        """A waiting (service, follower) pair, now subscribed; a subscribed one when none
        waits; None when the services have no followers."""
        pool = self.waiting or self.subscribed
        if not pool:
            return None
        pair = pool.pop(int(rng.integers(len(pool))))
        self.subscribed.append(pair)
        return pair


@cache
def subscriber_pool(worker: int, processes: int) -> SubscriberPool:
    """Worker `worker`'s share of the seeded followers: every `processes`-th pair."""
    economy = current_plan().economy
    if economy is None:
        raise RuntimeError("fan-service traffic needs a plan with a seeded economy")
    seeded = economy.fan_services
    return SubscriberPool(seeded.waiting[worker::processes], seeded.subscribed[worker::processes])


class FanServiceClient:
    """The fan-service calls due for each of one user's sessions (see module docstring)."""

    def __init__(self, user: SessionUser) -> None:
        self.user = user
        seeded = user.economy.fan_services
        means = fanservice_calls_per_session(
            user.scenario, seeded.simulated_certified, seeded.simulated_followers
        )
        self.kinds: list[FanServiceCall] = list(means)
        self.means = np.array(list(means.values()))
        self.services: list[SeededFanService] = seeded.services
        self.pool = subscriber_pool(user.worker, user.scenario.loadtest.processes)
        regions = user.scenario.population.profile.regions
        self.regions, self.region_p = list(regions), np.array(list(regions.values()))

    def session(self) -> None:
        """This session's share of the fan services' calls."""
        counts = self.user.rng.poisson(self.means).tolist()
        for kind, count in zip(self.kinds, counts, strict=True):
            for _ in range(count):
                self.broadcast() if kind == "fanservice_broadcast" else self.subscribe()

    def broadcast(self) -> None:
        if not self.services:
            return
        rng, config = self.user.rng, self.user.scenario.behaviour.fanservice
        service = self.services[int(rng.integers(len(self.services)))]
        region = None
        if rng.random() < config.segment_share:
            region = self.regions[int(rng.choice(len(self.regions), p=self.region_p))]
        text = self.user.text("fan service message")
        fanservice_broadcast(self.user.client, bearer(service.token), text, region)

    def subscribe(self) -> None:
        pair = self.pool.take(self.user.rng)
        if pair is not None:
            service, follower = pair
            fanservice_subscribe(self.user.client, self.user.headers_of(follower), service)
