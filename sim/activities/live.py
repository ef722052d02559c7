"""Live broadcasts: anchors go on air, viewers come, watch, comment and give gifts.

Broadcasts start as a Poisson process of `live.rooms_per_day` per 1000 accounts shaped by
`live.start_hours` (an evening peak); each anchor is drawn with `live.anchor_tilt`
(big V and medium V far likelier than ordinary users: the source's tilt). The anchor goes
on air (`live_start`: the announcement post fans out to its followers) and ends the room
(`live_end`) after a `live.duration_min` draw. Its viewers are `follower_viewer_share` of
its followers plus `Poisson(list_viewers)` accounts drawn uniformly (who find it in the live
list); each arrives uniformly within the first `join_window_share` of the broadcast, joins
(`live_join`) with an in-process connection, sends `Poisson(comments_per_viewer)` comments
(`live_comment`, paced by `think_time_s`), gives a gift with probability `gift_share`
(`live_gift`), and leaves (`live_leave`) after a `watch_min` draw or when the room ends. A
comment or gift after the room ended is refused as expected (`errors.refused`).

The push of a comment to every viewer is part of the comment request (the service pushes
before it returns), so a comment's delivery latency is its request's latency:
`live.delivery.p99_ms` is `latency.live_comment.p99_ms`.

Measured: `live.rooms`, `live.comments`, `live.gifts`, `revenue.live` (the platform's share
of gifts, in coins, as the ledger moved it) and `live.viewers.peak` (the most viewers any
room started in the window had at once).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, TypeVar

import numpy as np

from microblog.errors import Conflict, InsufficientFunds
from microblog.live_models import LiveEvent, LiveGift, Room
from microblog.work import record
from sim.activities.base import Arrival, Call, Steps, succeeded
from sim.activities.schedule import event_authors
from sim.activities.tally import Tally
from sim.arrivals import SECONDS_PER_HOUR, Segment
from sim.draws import Draws
from sim.intervals import Intervals, present
from sim.population import Kind
from sim.wallets import Wallets
from sim.world import World

COUNTS = ("live.rooms", "live.comments", "live.gifts", "revenue.live")
TiltKind = Literal["big_v", "medium_v", "user"]
TILT_KINDS: dict[TiltKind, Kind] = {
    "big_v": Kind.BIG_V,
    "medium_v": Kind.MEDIUM_V,
    "user": Kind.USER,
}
ENDED = (Conflict,)
"""A room that ended under a viewer refuses its comment or gift: an everyday outcome."""


class Viewer:
    """An in-process viewer connection. It keeps nothing: the pushes' work is what the
    capacity model prices, and a run of thousands of viewers need not hold every comment."""

    __slots__ = ()

    def push(self, event: LiveEvent) -> None:
        """Taken (an in-process push cannot fail)."""


@dataclass
class Broadcast:
    """A room being scheduled: its id once the anchor is on air."""

    duration_s: float
    viewers: list[tuple[float, int, float]]
    """(join offset, viewer row, watch seconds) of each viewer."""
    room_id: int | None = None


class LiveBroadcasts:
    def __init__(self, world: World, wallets: Wallets) -> None:
        self.world = world
        self.live = world.blog.live
        (self.rng,) = world.rng.spawn(1)
        """A stream of its own, so broadcasts leave the draws of sessions as they were."""
        self.draws = Draws(self.rng)
        self.wallets = wallets
        config = world.scenario.behaviour.live
        self.config = config
        population = world.population
        weights = np.zeros(population.size)
        for name, kind in TILT_KINDS.items():
            weights[population.kind == kind] = config.anchor_tilt[name]
        self.anchor_p = weights / weights.sum() if weights.sum() else weights
        self.rooms_per_hour = config.rooms_per_day * population.size / 1000.0 / 24.0
        hours = np.array(config.start_hours)
        self.hour_weight = hours / hours.mean()
        rows = event_authors(world.scenario, population)
        self.premieres = [
            (event.at_hours * SECONDS_PER_HOUR, row, event.count)
            for event, row in zip(world.scenario.events, rows, strict=True)
            if event.kind == "live_premiere"
        ]
        self.tally = Tally(world, COUNTS, timeseries=("live.comments",))
        self.window_rooms: list[int] = []
        self._serial = itertools.count(1)
        self.giving: Callable[[int, int, int], Steps] = self.give
        """Makes a viewer's drawn gift (viewer row, room, fen): `give`, here; a shard hands
        the gift of a viewer it does not own to the viewer's shard (`sim.shards.live_gifts`)."""

    def arrivals(self, segment: Segment) -> list[Arrival]:
        premieres = [
            Arrival(time, row, self._broadcast, self._plan(row, viewers), False)
            for time, row, viewers in self.premieres
            if segment.start_s <= time < segment.end_s
        ]
        return premieres + self._drawn(segment)

    def _drawn(self, segment: Segment) -> list[Arrival]:
        """Broadcasts drawn from the population, with the tilt towards V anchors."""
        if not self.rooms_per_hour or not self.anchor_p.any():
            return []
        rng = self.rng
        length_h = (segment.end_s - segment.start_s) / SECONDS_PER_HOUR
        count = rng.poisson(self.rooms_per_hour * self.hour_weight[segment.hour_of_day] * length_h)
        times = rng.uniform(segment.start_s, segment.end_s, count)
        anchors = rng.choice(self.anchor_p.size, count, p=self.anchor_p)
        staying = ~self.world.users.churned[anchors]  # a churned account no longer broadcasts
        times, anchors = times[staying], anchors[staying]
        return [
            Arrival(float(t), int(row), self._broadcast, self._plan(int(row), None), False)
            for t, row in zip(times, anchors, strict=True)
        ]

    def _plan(self, anchor: int, list_viewers: int | None) -> Broadcast:
        """Who will watch: followers at `follower_viewer_share`, and `list_viewers` from the
        live list (`Poisson(live.list_viewers)` when None)."""
        rng, config = self.rng, self.config
        listed = rng.poisson(config.list_viewers) if list_viewers is None else list_viewers
        duration_s = rng.uniform(*config.duration_min) * 60.0
        followers = self.world.followers.row(anchor)
        from_followers = followers[rng.random(followers.size) < config.follower_viewer_share]
        size = self.world.population.size
        from_list = rng.choice(size, min(listed, size), replace=False)  # `listed` accounts
        rows = np.unique(np.concatenate([from_followers, from_list]))
        rows = rows[(rows != anchor) & ~self.world.users.churned[rows]]  # the gone do not watch
        joins = rng.uniform(0.0, duration_s * config.join_window_share, rows.size)
        watches = rng.uniform(*config.watch_min, rows.size) * 60.0
        viewers = list(zip(joins.tolist(), rows.tolist(), watches.tolist(), strict=True))
        return Broadcast(duration_s, viewers)

    def _broadcast(self, row: int, plan: Broadcast) -> Steps:
        anchor = self.world.account(row)
        title = f"live {next(self._serial)}"
        room = yield Call("live_start", partial(self._start, anchor, title), {"title": title})
        if not succeeded(room):
            return  # on air already (a room of the same anchor still running)
        plan.room_id = room.id
        now = self.world.env.now
        for offset, viewer, watch_s in plan.viewers:
            self.world.start_at(Arrival(now + offset, viewer, self._watch, (plan, watch_s), True))
        ending = Arrival(now + plan.duration_s, row, self._end, plan, False)
        self.world.start_at(ending)

    def _start(self, anchor: int, title: str) -> Room:
        room = self.live.start(anchor, title)
        self.tally.add("live.rooms")
        if self.world.env.now >= self.tally.warmup_s:
            self.window_rooms.append(room.id)
        return room

    def _end(self, row: int, plan: Broadcast) -> Steps:
        assert plan.room_id is not None
        end = partial(self.live.end, self.world.account(row), plan.room_id)
        yield Call("live_end", end, {"room_id": plan.room_id}, ENDED)

    def _watch(self, row: int, visit: tuple[Broadcast, float]) -> Steps:
        plan, watch_s = visit
        assert plan.room_id is not None
        viewer, room_id = self.world.account(row), plan.room_id
        connection = Viewer()
        join = partial(self.live.join, viewer, room_id, connection)
        joined = yield Call("live_join", join, {"room_id": room_id}, ENDED)
        if not succeeded(joined):
            return
        leaving = Arrival(
            self.world.env.now + watch_s, row, self._leave, (room_id, connection), False
        )
        self.world.start_at(leaving)
        draws = self.draws
        for _ in range(self.rng.poisson(self.config.comments_per_viewer)):
            text = f"live comment {next(self._serial)}"
            said = yield Call(
                "live_comment",
                partial(self._comment, viewer, room_id, text),
                {"room_id": room_id, "text": text},
                ENDED,
            )
            if not succeeded(said):
                return
        if draws.uniform() < self.config.gift_share:
            low, high = self.config.gift_coins
            amount = max(1, round((low + draws.uniform() * (high - low)) * 100))
            yield from self.giving(row, room_id, amount)

    def give(self, row: int, room_id: int, amount: int, pushes_elsewhere: int = 0) -> Steps:
        """The viewer's gift (`live_gift`), paid from its wallet; `pushes_elsewhere` are
        pushes of it to the room's viewers that another process makes (a shard's room),
        priced with the request as the one platform's broadcast would be."""
        viewer = self.world.account(row)
        self.wallets.ensure(row, viewer)
        give = partial(self._gift, viewer, room_id, amount, pushes_elsewhere)
        yield Call(
            "live_gift",
            give,
            {"room_id": room_id, "amount_fen": amount},
            (*ENDED, InsufficientFunds),
        )

    def _leave(self, row: int, visit: tuple[int, Viewer]) -> Steps:
        room_id, connection = visit
        yield Call(
            "live_leave", partial(self.live.leave, room_id, connection), {"room_id": room_id}
        )

    def _comment(self, viewer: int, room_id: int, text: str) -> Any:
        said = self.live.comment(viewer, room_id, text)
        self.tally.add("live.comments")
        return said

    def _gift(self, viewer: int, room_id: int, amount: int, pushes_elsewhere: int) -> LiveGift:
        key = f"live-gift-{next(self._serial)}"
        gift = self.live.gift(viewer, room_id, amount, idempotency_key=key)
        if pushes_elsewhere:
            record(pushes=pushes_elsewhere)
        self.tally.add("live.gifts")
        self.tally.add("revenue.live", gift.platform_fen / 100.0)
        self.world.client_revenue.add("live", self.world.row(viewer), gift.platform_fen / 100.0)
        return gift

    def interval_row(self) -> dict[str, float]:
        return self.tally.interval_row()

    def intervals(self) -> Intervals:
        """Gift revenue is a compound sum of the gifts' platform shares (`sim.intervals`)."""
        return present({"revenue.live": self.tally.compound("revenue.live")})

    def metrics(self) -> dict[str, tuple[float, str]]:
        if not self.rooms_per_hour and not self.premieres:
            return {}  # a stream the scenario switches off is absent, not zero
        units = {"revenue.live": "coins"}
        found = {
            name: (value, units.get(name, "count")) for name, value in self.tally.window.items()
        }
        peak = max((self.live.room(i).peak_viewers for i in self.window_rooms), default=0)
        found["live.viewers.peak"] = (float(peak), "count")
        return found


Found = TypeVar("Found")


def live_delivery(measured: Mapping[str, Found]) -> dict[str, Found]:
    """`live.delivery.p99_ms` (its value or its interval): a comment's push is part of its
    request (module docstring)."""
    comment = measured.get("latency.live_comment.p99_ms")
    return {} if comment is None else {"live.delivery.p99_ms": comment}
