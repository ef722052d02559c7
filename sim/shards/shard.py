"""One shard of a run: a simulation of the whole platform that runs its own accounts only.

It is an ordinary `Simulation` (same seeding, activities, capacity model) with five
differences: sessions and scheduled arrivals start only for the accounts it owns (the
operator's runs over what a shard holds, such as membership renewals, on every shard);
every call's effect on an account or post another shard owns goes to its outbox as a
message (`_route`), and a payment's credit to a wallet another shard holds through its
clearing account (`sim.shards.clearing`); its environment advances one window at a time,
applying its inbox at each barrier (`Replica`); and with more than one shard it keeps each
call's work for the run's one capacity model (`sim.shards.merge`) instead of pricing it,
and refuses a call on a path whose cross-shard effects are not built
(`sim.shards.support`).
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from microblog.models import Post
from microblog.money_models import ProductPost
from microblog.work import Work
from scenario import Scenario
from sim.activities.base import Arrival, Call, Schedule, succeeded
from sim.activities.commerce import Commerce
from sim.activities.memberships import PaidMemberships
from sim.arrivals import Segment
from sim.client_revenue import Attribution
from sim.engine import Outcome, Simulation
from sim.measure import Counters
from sim.population import Population
from sim.runner import peak_rss_mib
from sim.seeding import fan_out_in_background
from sim.shards.clearing import Books, ShardClearing
from sim.shards.messages import Message, Outbox, Tally
from sim.shards.replica import PostIds, Replica
from sim.shards.support import require_sharded_path
from sim.users import UserState

POST_CREATING = frozenset({"post", "repost", "group_post"})
OPERATOR_RUNS: tuple[type[Schedule], ...] = (PaidMemberships,)
"""Schedules of the operator's runs over the records a shard holds (renewals settle the
memberships of its own accounts): every shard runs them, whoever their arrival's row."""

Submission = tuple[float, str, Work, float]
"""A priced call kept for the merged capacity model: (time, path, its work, external s)."""


class RoutedUsers(UserState):
    """Per-account state whose friend interactions with another shard's account travel."""

    def __init__(self, size: int, mine: np.ndarray, elsewhere: Callable[[int, int], None]) -> None:
        super().__init__(size)
        self.mine = mine
        self.elsewhere = elsewhere

    def friend_interacted(self, row: int, day: int) -> None:
        if self.mine[row]:
            super().friend_interacted(row, day)
        else:
            self.elsewhere(row, day)


@dataclass
class ShardRecords:
    """What the merge needs of a shard beyond its own outcome (runs of K > 1)."""

    submissions: list[Submission] = field(default_factory=list)
    samples: list[tuple[Counters, int, int]] = field(default_factory=list)
    """At every timeseries sample: the shard's running counters, its accounts active in
    the interval and its churned accounts."""
    window_counters: Counters | None = None


@dataclass(frozen=True)
class ShardOutcome:
    """A finished shard: its own outcome, its users, and what it sent and applied."""

    shard: int
    outcome: Outcome
    counters: Counters
    users: UserState
    mine: np.ndarray
    """The rows this shard owns: their state in `users` is theirs."""
    cohort_day: int
    retention: dict[int, tuple[int, int]]
    push: tuple[np.ndarray, int]
    """Push provider latencies in the measured window, and failed pushes."""
    records: ShardRecords
    sent: Tally
    applied: Tally
    books: Books
    """The shard's ledger at the end, once every message to it was applied."""
    client_revenue: Attribution
    peak_rss_mib: float
    """Peak resident memory of the shard's process."""


class ShardSimulation(Simulation):
    def __init__(
        self,
        scenario: Scenario,
        population: Population,
        seed: np.random.SeedSequence,
        owner: np.ndarray,
        shard: int,
        shards: int,
        platform_seed: np.random.SeedSequence | None = None,
    ) -> None:
        """`platform_seed`: the replication's, which seeds the same history and economy on
        every shard (`Simulation`); `seed` is this shard's own behaviour."""
        self.shard = shard
        self.shards = shards
        self.owner = owner
        self.mine = owner == shard
        self.outbox = Outbox(shard)
        self.applied: Tally = Counter()
        self.records = ShardRecords()
        super().__init__(scenario, population, seed, platform_seed=platform_seed)
        blog, first = self.world.blog, self.world.first_account
        self.clearing = ShardClearing(blog, owner, first, shard, self._send)
        self.commerce = next(a for a in self.activities if isinstance(a, Commerce))
        self.commerce.endorsed.append(self._endorsed_here)
        self.replica = Replica(blog, self.mine, first, {
            "friend": self._friend_applied, "credit": self.clearing.credit,
            "refund": self.clearing.refund, "product_post": self._product_posted,
            "endorse": self.commerce.endorse,
        })  # fmt: skip
        self.post_ids = PostIds(self.replica.store, shard, shards)
        if shards > 1:  # deliver to one's own followers only: the others' shards do theirs
            timelines = self.world.blog.timelines
            clock = self.world.blog.ctx.clock
            timelines.queue = fan_out_in_background(self.replica.fan_out_owned, clock)
            self.clearing.install()

    # Only its own accounts

    def _user_state(self, size: int) -> UserState:
        return RoutedUsers(size, self.mine, self._friend_elsewhere)

    def _holds_wallet(self, row: int) -> bool:
        return bool(self.mine[row])

    def _may_start(self) -> np.ndarray:
        return ~self.users.churned & self.mine

    def _scheduled(self, segment: Segment) -> list[Arrival]:
        return [
            arrival
            for schedule in self.schedules
            for arrival in schedule.arrivals(segment)
            if self.mine[arrival.row] or isinstance(schedule, OPERATOR_RUNS)
        ]

    # Effects on other shards

    def _perform(self, account: int, call: Call) -> Any:
        if self.shards > 1:
            require_sharded_path(call.path)
        result = super()._perform(account, call)
        if self.shards > 1 and succeeded(result):
            self._route(account, call, result)
        return result

    def _route(self, actor: int, call: Call, result: Any) -> None:
        path = call.path
        if path in POST_CREATING:
            assert isinstance(result, Post)
            self._to_all_others("post", (result,))
        if path in ("like", "comment", "repost"):
            post_id = call.params["post_id"]
            owner = self._owner_of_post(post_id)
            if owner != self.shard:
                extra = (call.params["text"],) if path == "comment" else ()
                payload = (post_id,) if path == "repost" else (actor, post_id, *extra)
                self.outbox.send(self.env.now, owner, path, payload)
        elif path in ("follow", "unfollow"):
            target = call.params["account_id"]
            owner = int(self.owner[self.world.row(target)])
            if owner != self.shard:
                self.outbox.send(self.env.now, owner, path, (actor, target))
        elif path == "group_join":
            self._to_all_others("join", (actor, call.params["group_id"]))
        elif path == "product_post":
            self._to_all_others("product_post", result)

    def _owner_of_post(self, post_id: int) -> int:
        post = self.replica.store.data.posts[post_id]
        return int(self.owner[self.world.row(post.author_id)])

    def _to_all_others(self, kind: str, payload: tuple[Any, ...]) -> None:
        for target in range(self.shards):
            if target != self.shard:
                self.outbox.send(self.env.now, target, kind, payload)

    def _send(self, target: int, kind: str, payload: tuple[Any, ...]) -> None:
        self.outbox.send(self.env.now, target, kind, payload)

    def _friend_elsewhere(self, row: int, day: int) -> None:
        self.outbox.send(self.env.now, int(self.owner[row]), "friend", (row, day))

    def _endorsed_here(self, index: int, account: int) -> None:
        if self.shards > 1:
            self._to_all_others("endorse", (index, account))

    def _product_posted(self, post: Post, link: ProductPost) -> None:
        self.replica.product_post(post, link)
        self.commerce.listed(link)

    def _friend_applied(self, row: int, day: int) -> None:
        UserState.friend_interacted(self.users, row, day)

    # What the merge needs

    def _submit(self, path: str, work: Work, external_s: float) -> None:
        """With one shard, price it here; with more, keep it for the run's one model (its
        own model stays empty: the merge reads only the driver's)."""
        if self.shards == 1:
            super()._submit(path, work, external_s)
        else:
            self.records.submissions.append((self.env.now, path, work, external_s))

    def _sample(self) -> None:
        users = self.users
        self.records.samples.append(
            (self.counters.copy(), users.in_interval.count, int(users.churned.sum()))
        )
        super()._sample()

    def _open_window(self) -> None:
        super()._open_window()
        self.records.window_counters = self.counters.copy()

    # The window loop (driven by `sim.shards.executor`)

    def start(self) -> None:
        """Begin the run; the actor's process is this shard's alone, so the collector
        stays off (`sim.collector` explains why) and the seeded heap is frozen."""
        gc.disable()
        gc.freeze()
        self.begin()

    def advance(self, until: float) -> tuple[list[Message], list[Submission], int]:
        """Run to `until`; the window's messages, priced calls and the next free post id."""
        if until > self.env.now:
            self.env.run(until=until)
        submissions, self.records.submissions = self.records.submissions, []
        next_id = self.post_ids.peek() if self.shards > 1 else 0
        return self.outbox.take(), submissions, next_id

    def apply(self, inbox: list[Message], next_post_id: int) -> None:
        """Apply the window's inbox (already in delivery order), then restart post ids."""
        for message in inbox:
            self.replica.apply(message)
            self.applied[message.kind, message.source_shard, self.shard] += 1
        if self.shards > 1:
            self.post_ids.restart(next_post_id)

    def outcome(self, running_s: float) -> ShardOutcome:
        outcome = self.finish(running_s)
        return ShardOutcome(
            self.shard, outcome, self.counters, plain_state(self.users), self.mine,
            self.churn.cohort_day, dict(self.churn.retention), self.push.window_samples(),
            self.records, self.outbox.sent, self.applied, self.clearing.books(),
            self.world.client_revenue.attribution(), peak_rss_mib(),
        )  # fmt: skip


def plain_state(users: UserState) -> UserState:
    """The state's columns without the routing (which would carry the whole shard along)."""
    plain = UserState(users.size)
    for column in fields(UserState):
        setattr(plain, column.name, getattr(users, column.name))
    return plain
