"""Fan services: certified accounts broadcast to their subscribers; followers subscribe.

When the run starts, `fanservice.open_share` of the certified accounts (big V, medium V,
merchants) have a service open and `subscriber_share` of each one's followers subscribed
(a platform running since 2013 has them already; seeding is not measured work). During
the run, followers not yet subscribed subscribe at `subscribe_rate` per day
(`fanservice_subscribe`), and each open service broadcasts `broadcasts_per_day`
(`fanservice_broadcast`, Poisson, shaped by the population's diurnal curve), a
`segment_share` of them to one region's subscribers only (the region drawn by its share).

A broadcast's deliveries are fan-out work: priced on the fan-out station after the request
returns, like a post's, with their lags kept apart as `fanservice.lag.*` (the engine names
the path's lag family). Measured: `fanservice.broadcasts`, `fanservice.deliveries`,
`fanservice.subscriptions` (new ones in the window), `fanservice.services` and
`fanservice.subscribers` (at the end of the run).
"""

from __future__ import annotations

import itertools
from functools import partial

import numpy as np

from microblog.errors import Forbidden
from microblog.fanservice_models import Segment, SegmentField
from microblog.work import record, recording
from sim.activities.base import Arrival, Call, Steps
from sim.activities.tally import Tally
from sim.arrivals import SECONDS_PER_DAY, diurnal_profile
from sim.arrivals import Segment as TimeSegment
from sim.population import Kind
from sim.world import World

BROADCAST, SUBSCRIBE = "fanservice_broadcast", "fanservice_subscribe"
LAG_FAMILIES = {BROADCAST: "fanservice"}
"""The broadcast's fan-out lags are the fan service's, not posts' (`CapacityModel`)."""
COUNTS = ("fanservice.broadcasts", "fanservice.deliveries", "fanservice.subscriptions")
CERTIFIED = (Kind.BIG_V, Kind.MEDIUM_V, Kind.MERCHANT)
UNFOLLOWED = (Forbidden,)
"""A follower who unfollowed since the run began may no longer subscribe: an everyday refusal."""


class FanServiceTraffic:
    def __init__(self, world: World, rng: np.random.Generator | None = None) -> None:
        """`rng`: the stream to draw from (a sharded run passes one every shard shares, so
        all open the same services); by default one spawned for it alone."""
        self.world = world
        self.blog = world.blog
        self.config = world.scenario.behaviour.fanservice
        self.rng = world.rng.spawn(1)[0] if rng is None else rng
        """A stream of its own, so fan services leave everyone else's draws as they were."""
        self.services = self._open()
        self.pairs, self.subscribed = self._followers()
        self._seed_subscriptions()
        self.diurnal = diurnal_profile(world.scenario.behaviour.diurnal)
        regions = world.scenario.population.profile.regions
        self.regions, self.region_p = list(regions), np.array(list(regions.values()))
        self.tally = Tally(world, COUNTS, timeseries=("fanservice.deliveries",))
        self._serial = itertools.count(1)

    def _open(self) -> np.ndarray:
        """Rows of the certified accounts whose service is open, each opened now."""
        kinds = self.world.population.kind
        certified = np.flatnonzero(np.isin(kinds, CERTIFIED))
        opened = certified[self.rng.random(certified.size) < self.config.open_share]
        for row in opened.tolist():
            self.blog.fanservice.open(self.world.account(row))
        return opened

    def _followers(self) -> tuple[np.ndarray, np.ndarray]:
        """Every (service row, follower row) pair, and whether the follower subscribed."""
        followers = self.world.followers
        rows = [followers.row(service) for service in self.services.tolist()]
        sizes = [row.size for row in rows]
        pairs = np.column_stack([
            np.repeat(self.services, sizes),
            np.concatenate(rows) if rows else np.empty(0, np.int64),
        ])  # fmt: skip
        return pairs, self.rng.random(len(pairs)) < self.config.subscriber_share

    def _seed_subscriptions(self) -> None:
        world = self.world
        for service, follower in self.pairs[self.subscribed].tolist():
            self.blog.fanservice.subscribe(world.account(service), world.account(follower))

    # Arrivals

    def arrivals(self, segment: TimeSegment) -> list[Arrival]:
        found = self._broadcasts(segment) + self._subscriptions(segment)
        churned = self.world.users.churned
        return [arrival for arrival in found if not churned[arrival.row]]

    def _broadcasts(self, segment: TimeSegment) -> list[Arrival]:
        days = (segment.end_s - segment.start_s) / SECONDS_PER_DAY
        rate = self.config.broadcasts_per_day * self.diurnal[segment.hour_of_day] * days
        counts = self.rng.poisson(rate, self.services.size)
        senders = np.repeat(self.services, counts)
        times = self.rng.uniform(segment.start_s, segment.end_s, senders.size)
        narrowed = self.rng.random(senders.size) < self.config.segment_share
        regions = self.rng.choice(len(self.regions), senders.size, p=self.region_p)
        return [
            Arrival(t, row, self._broadcast, self._segment(narrow, region), False)
            for t, row, narrow, region in zip(
                times.tolist(),
                senders.tolist(),
                narrowed.tolist(),
                regions.tolist(),
                strict=True,
            )  # fmt: skip
        ]

    def _segment(self, narrowed: bool, region: int) -> Segment | None:
        return Segment(SegmentField.REGION, self.regions[region]) if narrowed else None

    def _subscriptions(self, segment: TimeSegment) -> list[Arrival]:
        """Followers subscribing within the segment (those who churned do not)."""
        churned = self.world.users.churned[self.pairs[:, 1]]
        waiting = np.flatnonzero(~self.subscribed & ~churned)
        days = (segment.end_s - segment.start_s) / SECONDS_PER_DAY
        count = self.rng.poisson(self.config.subscribe_rate * waiting.size * days)
        chosen = np.unique(self.rng.choice(waiting, min(count, waiting.size), replace=False))
        self.subscribed[chosen] = True
        times = self.rng.uniform(segment.start_s, segment.end_s, chosen.size)
        return [
            Arrival(t, int(self.pairs[pair, 1]), self._subscribe, int(self.pairs[pair, 0]), False)
            for t, pair in zip(times.tolist(), chosen.tolist(), strict=True)
        ]

    # Calls

    def _broadcast(self, row: int, segment: Segment | None) -> Steps:
        text = f"fan service message {next(self._serial)}"
        params = {"text": text, "segment": None if segment is None else segment.value}
        yield Call(BROADCAST, partial(self._send, self.world.account(row), text, segment), params)

    def _send(self, account: int, text: str, segment: Segment | None) -> object:
        """Broadcast, counting the deliveries its fan-out did (still the request's work)."""
        with recording() as work:
            sent = self.blog.fanservice.broadcast(account, text, segment)
        record(**work.as_dict())
        self.tally.add("fanservice.broadcasts")
        self.tally.add("fanservice.deliveries", work.fanout_deliveries)
        return sent

    def _subscribe(self, row: int, service: int) -> Steps:
        account = self.world.account(service)
        action = partial(self._join, account, self.world.account(row))
        yield Call(SUBSCRIBE, action, {"account_id": account}, UNFOLLOWED)

    def _join(self, account: int, subscriber: int) -> object:
        joined = self.blog.fanservice.subscribe(account, subscriber)
        self.tally.add("fanservice.subscriptions")
        return joined

    # Measurement

    def interval_row(self) -> dict[str, float]:
        return self.tally.interval_row()

    def metrics(self) -> dict[str, tuple[float, str]]:
        measured = {name: (value, "count") for name, value in self.tally.window.items()}
        measured["fanservice.services"] = (float(self.services.size), "count")
        measured["fanservice.subscribers"] = (float(self.subscribed.sum()), "count")
        return measured
