"""Third-party apps: they poll their users' home timelines every few minutes, post for
them now and then, and sell them items for micro-coins.

Each app (`apps` section: how many at each authorisation level) has a developer account
and is authorised by `users_per_app` users drawn from the population; the app holds a
grant of each (read, post and payments scopes), as a real OAuth consent leaves one. Every
(app, user) pair polls on its own clock, each wait drawn between the section's shortest
and longest interval (the platform's advised 3-5 minutes). Calls go through the same
service layer as a user's (paths `app_poll`, `app_post`, `app_purchase`) and are priced by
the capacity model like any other path.

With `platform.rate_limits` on, every call counts against its pair's published hourly
limit at the app's level: over it, the call is refused with `Throttled` (HTTP 429), an
expected refusal (`apps.throttled`), not an error. The `limits` library counts in wall-
clock time, so the simulator counts the same fixed hourly windows in simulated time.
Purchases pay through `AppPayments` (the ledger) from the user's wallet (its starting
balance issued first, as every paying activity does); a short wallet is an expected refusal.

Measured: `apps.requests`, `apps.throttled`, `apps.purchases`, `apps.purchase_volume` and
`revenue.apps` (the platform's share, 0 by default).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from functools import partial
from typing import Any, NamedTuple

import numpy as np

from microblog.app_models import ChargeStatus, Scope
from microblog.cache.rate_limits import Quota, Throttled
from microblog.errors import InsufficientFunds
from microblog.rate_limit_config import AppTier
from microblog.services.accounts import NewAccount
from microblog.services.apps import Grant
from scenario.seed_draws import FEN_PER_YUAN
from sim.activities.base import Arrival, Call, Steps
from sim.activities.tally import Tally
from sim.arrivals import SECONDS_PER_DAY, Segment
from sim.intervals import Intervals, present
from sim.wallets import Wallets
from sim.world import World

MEASURED = ("apps.requests", "apps.throttled", "apps.purchases", "apps.purchase_volume",
            "revenue.apps")  # fmt: skip
TIMESERIES = ("apps.requests", "apps.throttled", "revenue.apps")
MONEY = ("apps.purchase_volume", "revenue.apps")
SCOPES = [Scope.READ, Scope.POST, Scope.PAYMENTS]
POLL, POST, PURCHASE = "poll", "post", "purchase"


class Plan(NamedTuple):
    pair: int
    kind: str


class Apps:
    def __init__(self, world: World, wallets: Wallets, seed: np.random.SeedSequence) -> None:
        """`seed` is the apps' own: their draws leave everyone else's as they were."""
        self.world = world
        self.wallets = wallets
        self.blog = world.blog
        self.config = world.scenario.apps
        self.rng = np.random.default_rng(seed)
        self.grants = self._authorise(self._register())
        self.rows = np.array([world.row(g.account_id) for g in self.grants], dtype=np.int64)
        self.next_poll = self.rng.uniform(0.0, self.config.poll_interval_max_s, len(self.grants))
        self.limits = world.blog.config.rate_limits
        self.windows: defaultdict[tuple[int, int], int] = defaultdict(int)
        self.tally = Tally(world, MEASURED, TIMESERIES)
        self._keys = itertools.count(1)

    def _register(self) -> list[tuple[str, AppTier]]:
        tiers = [AppTier.NORMAL] * self.config.normal + [AppTier.MEDIUM] * self.config.medium
        tiers += [AppTier.ADVANCED] * self.config.advanced
        developers = self.blog.accounts.register_many(
            [NewAccount(f"app_developer{i}") for i in range(len(tiers))]
        )
        self.developers = [developer.id for developer, _ in developers]
        """The apps' developers' accounts, whose wallets their sales pay (past the
        population's rows: on shards, `sim.shards.shard` says which holds each)."""
        apps = []
        for i, ((developer, _), tier) in enumerate(zip(developers, tiers, strict=True)):
            uri = f"https://app{i}.example/callback"
            app, _secret = self.blog.apps.register(developer.id, f"App {i}", [uri], SCOPES)
            apps.append((self.blog.apps.set_tier(app.client_id, tier).client_id, tier))
        return apps

    def _authorise(self, apps: list[tuple[str, AppTier]]) -> list[Grant]:
        """Each app's users, drawn without replacement from the population."""
        size = self.world.population.size
        per_app = min(self.config.users_per_app, size)
        return [
            Grant(self.world.account(int(row)), frozenset(SCOPES), client_id, tier)
            for client_id, tier in apps
            for row in self.rng.choice(size, per_app, replace=False)
        ]

    # Arrivals

    def arrivals(self, segment: Segment) -> list[Arrival]:
        found = self._polls(segment) + self._purchases(segment)
        churned = self.world.users.churned
        return [arrival for arrival in found if not churned[arrival.row]]

    def _polls(self, segment: Segment) -> list[Arrival]:
        found = []
        due = np.flatnonzero(self.next_poll < segment.end_s)
        while due.size:
            kinds = np.where(self.rng.random(due.size) < self.config.post_share, POST, POLL)
            for pair, kind in zip(due.tolist(), kinds.tolist(), strict=True):
                found.append(self._arrival(float(self.next_poll[pair]), pair, kind))
            low, high = self.config.poll_interval_min_s, self.config.poll_interval_max_s
            self.next_poll[due] += self.rng.uniform(low, high, due.size)
            due = due[self.next_poll[due] < segment.end_s]
        return found

    def _purchases(self, segment: Segment) -> list[Arrival]:
        share_of_day = (segment.end_s - segment.start_s) / SECONDS_PER_DAY
        counts = self.rng.poisson(
            self.config.purchases_per_user_day * share_of_day, len(self.grants)
        )
        pairs = np.repeat(np.arange(len(self.grants)), counts)
        times = self.rng.uniform(segment.start_s, segment.end_s, pairs.size)
        return [
            self._arrival(t, pair, PURCHASE)
            for t, pair in zip(times.tolist(), pairs.tolist(), strict=True)
        ]

    def _arrival(self, time_s: float, pair: int, kind: str) -> Arrival:
        return Arrival(time_s, int(self.rows[pair]), self._steps, Plan(pair, kind), False)

    def _steps(self, _row: int, plan: Plan) -> Steps:
        grant = self.grants[plan.pair]
        if plan.kind == POLL:
            action = partial(self._poll, plan.pair, grant)
            yield Call("app_poll", action, {"app": grant.client_id}, (Throttled,))
        elif plan.kind == POST:
            action = partial(self._post, plan.pair, grant)
            yield Call("app_post", action, {"app": grant.client_id}, (Throttled,))
        else:
            key = f"sim-app-{next(self._keys)}"
            action = partial(self._purchase, plan.pair, grant, key)
            params = {"app": grant.client_id, "idempotency_key": key}
            yield Call("app_purchase", action, params, (Throttled, InsufficientFunds))

    # Calls

    def _poll(self, pair: int, grant: Grant) -> Any:
        self._count(pair, grant)
        return self.blog.timelines.home(grant.account_id)

    def _post(self, pair: int, grant: Grant) -> Any:
        self._count(pair, grant)
        return self.blog.posts.create(grant.account_id, f"shared with {grant.client_id}")

    def _purchase(self, pair: int, grant: Grant, key: str) -> Any:
        self._count(pair, grant)
        self.wallets.ensure(int(self.rows[pair]), grant.account_id)
        price = self.config.purchase_price_coins * FEN_PER_YUAN
        charge = self.blog.app_payments.charge(grant, "app item", price, idempotency_key=key)
        if charge.status is not ChargeStatus.PAID:
            return charge  # above the pre-authorised cap: waits for the user, unpaid
        self.tally.add("apps.purchases")
        self.tally.add("apps.purchase_volume", charge.amount_fen)
        self.tally.add("revenue.apps", charge.platform_fen)
        self.world.client_revenue.add(
            "apps", int(self.rows[pair]), charge.platform_fen / FEN_PER_YUAN
        )
        return charge

    def _count(self, pair: int, grant: Grant) -> None:
        """One call of the pair in its hourly window; `Throttled` over the app's limit."""
        self.tally.add("apps.requests")
        if not self.limits.enabled:
            return
        now = self.world.env.now
        window = int(now // self.limits.window_s)
        self.windows[pair, window] += 1
        limit = self.limits.per_user(grant.tier, grant.user_per_hour)
        if self.windows[pair, window] > limit:
            self.tally.add("apps.throttled")
            reset_at = (window + 1) * self.limits.window_s
            raise Throttled(Quota("user", limit, 0, reset_at), now)

    # Measurement

    def interval_row(self) -> dict[str, float]:
        return {name: self._unit(name, value) for name, value in self.tally.interval_row().items()}

    def intervals(self) -> Intervals:
        """Money charged is a compound sum of its charges (`sim.intervals`)."""
        return present({name: self.tally.compound(name, 1 / FEN_PER_YUAN) for name in MONEY})

    def metrics(self) -> dict[str, tuple[float, str]]:
        return {
            name: (self._unit(name, value), "coins" if name in MONEY else "count")
            for name, value in self.tally.window.items()
        }

    @staticmethod
    def _unit(name: str, value: float) -> float:
        return value / FEN_PER_YUAN if name in MONEY else value
