"""One shard of a run: a simulation of the whole platform that runs its own accounts only.

It is an ordinary `Simulation` (same seeded platform, activities, capacity model) with
these differences: sessions and scheduled arrivals start only for the accounts it owns (an
arrival an activity schedules itself runs where the activity does: a live room's viewers'
calls run on its anchor's shard, which holds the room; see docs/sharding.md; the
operator's runs over what a shard holds, such as membership renewals, run on every
shard); its ledger holds only its own accounts' wallets; every call's effect on an
account or post another shard owns goes to its outbox as a message (`Routes`; pushes to
another shard's account as they are stored, `RoutedPush`; a payment's credit to a wallet
another shard holds through its clearing account, `sim.shards.clearing`); its
environment advances one window at a time, applying its inbox at each barrier
(`Replica`); and with more than one shard it keeps each call's work for the run's one
capacity model (`sim.shards.merge`) instead of pricing it, reads other shards' presence
from a replica (`ShardSwitchboard`), charges ads within the driver's allowances through
the advertiser's shard (`sim.shards.ad_billing`), tells the other shards of product posts
and endorsements, and refuses a call on a path whose cross-shard effects are not built
(`sim.shards.support`).
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Generator
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import simpy

from microblog.models import Post
from microblog.money_models import ProductPost
from microblog.services.ad_billing import LedgerBilling
from microblog.services.switchboard import LocalSwitchboard
from microblog.work import Work
from scenario import Scenario
from sim.activities.ads import Ads
from sim.activities.apps import Apps
from sim.activities.base import Arrival, Call, Schedule, succeeded
from sim.activities.commerce import Commerce
from sim.activities.fanservice import FanServiceTraffic
from sim.activities.live import LiveBroadcasts
from sim.activities.memberships import PaidMemberships
from sim.activities.social import Social
from sim.arrivals import Segment
from sim.capacity.requests import Calls, RequestLog
from sim.client_revenue import Attribution
from sim.engine import Outcome, Simulation
from sim.measure import Counters
from sim.population import Population
from sim.runner import peak_rss_mib
from sim.seeding import fan_out_in_background
from sim.shards.ad_billing import ShardAds
from sim.shards.bid_reviews import ShardBidReviews
from sim.shards.budgets import AdWindow, Budget, Grants
from sim.shards.clearing import Books, ShardClearing
from sim.shards.fanservice import OwnedFanServices
from sim.shards.live_gifts import ShardLiveGifts
from sim.shards.messages import Message, Outbox, Tally
from sim.shards.partition import strided
from sim.shards.presence import ShardSwitchboard
from sim.shards.pushes import RoutedPush
from sim.shards.replica import PostIds, Replica
from sim.shards.routes import Routes
from sim.shards.support import require_sharded_path
from sim.users import UserState
from sim.wallets import Wallets

OPERATOR_RUNS: tuple[type[Schedule], ...] = (PaidMemberships,)
"""Schedules of the operator's runs over the records a shard holds (renewals settle the
memberships of its own accounts): every shard runs them, whoever their arrival's row."""

Window = tuple[list[Message], Calls, int, AdWindow]
"""A window's messages, priced calls, next free post id and ad servers' report."""


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

    calls: RequestLog = field(default_factory=RequestLog)
    """The window's calls for the merged capacity model, as columns (they cross to the
    driver every window: a tuple and a `Work` a call cost more to pickle and unpickle)."""
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
        platform_seed: np.random.SeedSequence,
        shared: np.random.SeedSequence | None = None,
    ) -> None:
        """`seed` draws this shard's behaviour; `platform_seed` (the replication's run
        seed) the seeded platform, the same on every shard; `shared` the stream every shard
        draws alike from (`shared_stream`), needed with more than one shard."""
        self.shard = shard
        self.shared = None if shared is None else shared.spawn(2)
        """The fan services' and the apps' streams, alike on every shard."""
        self.shards = shards
        self.owner = owner
        self.mine = owner == shard
        self.outbox = Outbox(shard)
        self.applied: Tally = Counter()
        self.records = ShardRecords()
        super().__init__(scenario, population, seed, platform_seed=platform_seed)
        blog = self.world.blog
        assert isinstance(blog.chat.switchboard, LocalSwitchboard), "shards hold the memory tier"
        self.switchboard = ShardSwitchboard(blog.chat.switchboard)
        self.replica = Replica(
            blog, self.mine, self.world.first_account, self._friend_applied, self.switchboard
        )
        self.post_ids = PostIds(self.replica.store, shard, shards)
        self.routes = Routes(
            self.world, owner, shard, shards, self.outbox, self.replica, self.switchboard
        )
        self.ads = ShardAds(
            LedgerBilling(blog.ledger), self.replica.store, self.routes.owner_of, shard,
            self.routes.send, blog.ctx.clock, blog.config.ads,
        )  # fmt: skip
        self.clearing = ShardClearing(
            blog, owner, self.world.first_account, shard, self.routes.send
        )
        self.commerce = next(part for part in self.activities if isinstance(part, Commerce))
        if shards > 1:
            self._route_within_calls()

    def _route_within_calls(self) -> None:
        """What a call does to other shards' accounts before it returns: fan-out to one's
        own followers only (the others' shards do theirs), pushes handed over, presence
        read from the replica, ad charges through the advertiser's shard, credits to other
        shards' wallets through clearing, endorsements told; post and photo ids kept apart
        from the first window on (every shard seeded the same posts, so all restart from
        the same id); and the handlers of messages other parts own."""
        blog = self.world.blog
        blog.timelines.queue = fan_out_in_background(self.replica.fan_out_owned, blog.ctx.clock)
        blog.chat.switchboard = blog.chat.presence.switchboard = self.switchboard
        store = self.replica.store
        with store.write() as tx:
            tx.push = RoutedPush(store.data.push, self.routes.owns, self.routes.pushes)
        media = store.data.media
        media.photo_ids = strided(media.photo_ids, self.shard, self.shards)
        self.post_ids.restart(self.post_ids.peek())  # the first window's too (all peek alike)
        blog.ads.billing.billing = self.ads
        social = next(part for part in self.activities if isinstance(part, Social))
        social.readers.append(self.ads)
        self.clearing.install()
        self.commerce.endorsed.append(self.routes.endorsed)
        self.replica.on("ad_charge", self.ads.charged_here)
        self.replica.on("credit", self.clearing.credit)
        self.replica.on("refund", self.clearing.refund)
        self.replica.on("endorse", self.commerce.endorse)
        self.replica.on("product_post", self._product_posted)
        self._merchants_quitting()
        self._developers_held()
        self._live_gifts()
        self._bid_reviews()

    def _bid_reviews(self) -> None:
        """Reviews read the whole campaign; relaunches reach every shard and the driver
        (`sim.shards.bid_reviews`); campaign ids kept apart, as post ids are."""
        store, blog = self.replica.store, self.world.blog
        ads = next(part for part in self.schedules if isinstance(part, Ads))
        reviews = ShardBidReviews(
            ads, store, lambda: self.ads.window, self.routes.to_all_others, blog.ctx.clock,
            blog.config.ads,
        )  # fmt: skip
        reviews.install()
        campaigns = store.data.ads
        campaigns.campaign_ids = strided(campaigns.campaign_ids, self.shard, self.shards)
        self.ads.granted.append(reviews.granted)
        self.routes.on("ad_click", reviews.clicked)
        self.routes.on("campaign_change", reviews.changed)
        self.replica.on("campaign", reviews.status)
        self.replica.on("campaign_launch", reviews.launched)

    def _live_gifts(self) -> None:
        """A viewer's gift is paid on its own shard and shown in the room's
        (`sim.shards.live_gifts`); room ids kept apart, as post ids are."""
        live = next(part for part in self.schedules if isinstance(part, LiveBroadcasts))
        gifts = ShardLiveGifts(
            live, self.replica.store, self.world, self.owner, self.shard, self.routes.send
        )
        gifts.install()
        rooms = self.replica.store.data.live.ids
        rooms["rooms"] = strided(rooms["rooms"], self.shard, self.shards)
        self.routes.on("live_gift", lambda _actor, _call, gift: gifts.made(gift))
        self.replica.on("live_gift", gifts.handed)
        self.replica.on("gift_shown", gifts.shown)

    def _developers_held(self) -> None:
        """App developer i's wallet is held by shard i mod K, so every other shard's sales
        of its apps clear to it (a developer makes no calls of its own)."""
        for apps in (part for part in self.schedules if isinstance(part, Apps)):
            self.clearing.held_past_population.update(
                {developer: i % self.shards for i, developer in enumerate(apps.developers)}
            )

    def _merchants_quitting(self) -> None:
        """Each merchant's quitting is drawn as unsharded and kept by its own shard only,
        which finds it at its moment and tells every other shard (`merchant_quit`)."""
        self.commerce.keep_quits_of(self.mine)
        self.commerce.quitted.append(self.routes.merchant_quit)
        self.replica.on("merchant_quit", lambda row: self.commerce.stop_selling({row}))
        self.env.process(self._quits_found())

    def _quits_found(self) -> Generator[simpy.Event, Any, None]:
        """Find each own merchant's quitting at its moment (unsharded, the next post or shop
        browse finds it), so the other shards hear of it within a window."""
        for moment in sorted({moment for moment, _ in self.commerce.quits}):
            yield self.env.timeout(moment - self.env.now)
            self.commerce.merchants_quit()

    # Only its own accounts

    def _user_state(self, size: int) -> UserState:
        return RoutedUsers(size, self.mine, self._friend_elsewhere)

    def _fan_services(self) -> FanServiceTraffic:
        if self.shards == 1:
            return super()._fan_services()
        assert self.shared is not None, "shards share the fan services' draws"
        return OwnedFanServices(self.world, np.random.default_rng(self.shared[0]), self.mine)

    def _apps(self, wallets: Wallets, seed: np.random.SeedSequence) -> Apps:
        """Every shard draws the same apps' users and polling clocks and polls for the
        users it owns, so the shards together poll every pair once."""
        if self.shards == 1:
            return super()._apps(wallets, seed)
        assert self.shared is not None, "shards share the apps' draws"
        return Apps(self.world, wallets, self.shared[1])

    def _holds_wallet(self, row: int) -> bool:
        return bool(self.mine[row])

    def _may_start(self) -> np.ndarray:
        return ~self.users.churned & self.mine

    def _scheduled(self, segment: Segment) -> list[Arrival]:
        return [
            arrival
            for schedule in self.schedules
            for arrival in schedule.arrivals(segment)
            if self._runs_here(arrival.row) or isinstance(schedule, OPERATOR_RUNS)
        ]

    def _runs_here(self, row: int) -> bool:
        """Its own accounts' arrivals; the platform's own accounts (past the population's
        rows: a commerce partner's daily contract) run on shard 0."""
        return bool(self.mine[row]) if row < self.mine.size else self.shard == 0

    # Effects on other shards

    def _perform(self, account: int, call: Call) -> Any:
        if self.shards > 1:
            require_sharded_path(call.path)
        result = super()._perform(account, call)
        if self.shards > 1 and succeeded(result):
            self.routes.route(account, call, result)
        return result

    def _friend_elsewhere(self, row: int, day: int) -> None:
        self.routes.send(int(self.owner[row]), "friend", (row, day))

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
            self.records.calls.append(self.env.now, path, work, external_s)

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

    def budgets(self) -> dict[int, Budget]:
        """Every campaign's budget as seeded (the same on every shard)."""
        return {
            c.id: Budget(c.spec.total_budget, c.spec.daily_budget, c.spec.bid,
                         c.spec.bid_type, c.delivery.spent, c.delivery.clicks)
            for c in self.replica.store.data.ads.campaigns.values()
        }  # fmt: skip

    def start(self, grants: Grants) -> None:
        """Begin the run with the first allowances; the actor's process is this shard's
        alone, so the collector stays off (`sim.collector` explains why) and the seeded
        heap is frozen."""
        gc.disable()
        gc.freeze()
        self.ads.grant(grants)
        self.begin()

    def advance(self, until: float) -> Window:
        """Run to `until`: the window's messages, priced calls, next free post id and ads."""
        if until > self.env.now:
            self.env.run(until=until)
        calls = self.records.calls.take_calls()
        next_id = self.post_ids.peek() if self.shards > 1 else 0
        ads = self.ads.take()  # first: it sends the window's summed ad charges
        return self.outbox.take(), calls, next_id, ads

    def apply(self, inbox: list[Message], next_post_id: int, grants: Grants) -> None:
        """Apply the window's inbox (already in delivery order), then restart post ids and
        take the next window's ad allowances."""
        for message in inbox:
            self.replica.apply(message)
            self.applied[message.kind, message.source_shard, self.shard] += 1
        if self.shards > 1:
            self.post_ids.restart(next_post_id)
        self.ads.grant(grants)

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
