"""Seed a fresh in-memory microblog with a population: accounts, follows and groups in bulk.

The store-level bulk path (`microblog.store.memory_bulk`) takes whole columns, the way the
server's `/admin/seed/*` endpoints take whole batches, so a million accounts and tens of
millions of follows load in seconds rather than through millions of service calls.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from microblog.config import PlatformConfig
from microblog.fanout import Deliver, J, Proceed
from microblog.fanout.local import InlineQueue
from microblog.media.images import ReusedThumbnails
from microblog.platform import Microblog
from microblog.push_models import ClientKind
from microblog.services.accounts import seeded_verified
from microblog.services.context import Clock
from microblog.services.gateway import Gateway
from microblog.services.push import PushProvider
from microblog.store.memory import MemoryStore
from microblog.store.memory_bulk import BulkAccounts, bulk_groups, bulk_load
from microblog.work import record, recording
from sim.population import Kind, Population


@dataclass(frozen=True)
class Seeded:
    """The seeded platform and where the population landed in it."""

    blog: Microblog
    first_account: int
    """Account id of population row 0; row i is account first_account + i."""
    group_ids: list[int]
    """Group id of each population group row."""


def counted_as_background(deliver: Deliver[J]) -> Deliver[J]:
    """Deliver now, but count the delivery as the background work it is on a real deployment.

    The post's (or broadcast's) request is charged only the deliveries (the capacity model
    prices them on the fan-out workers, reading the recipient list included), not the rows
    the job read.
    """

    def deliver_in_background(job: J, proceed: Proceed) -> int | None:
        with recording() as background:
            delivered = deliver(job, proceed)
        record(fanout_deliveries=background.fanout_deliveries)
        return delivered

    return deliver_in_background


def fan_out_in_background(deliver: Deliver[J], clock: Clock) -> InlineQueue[J]:
    """The simulator's fan-out queue: inline, counted as background work."""
    return InlineQueue(counted_as_background(deliver), clock)


def seed_blog(
    config: PlatformConfig,
    population: Population,
    clock: Clock,
    gateway: Gateway,
    push: PushProvider | None = None,
) -> Seeded:
    """A microblog over a new memory store holding the population, its follows and groups
    and each mobile user's phone session, with its games catalogue ready (so no purchase
    is charged for creating it). Its thumbnails of the one sample photo every simulated
    upload carries are made once (`ReusedThumbnails`): each upload still records its own
    thumbnail work, which the capacity model prices as a distinct photo's."""
    blog = Microblog(
        MemoryStore(), config, clock, fan_out_in_background, gateway,
        service_fanout=fan_out_in_background, push=push, thumbnailer=ReusedThumbnails(),
    )  # fmt: skip
    blog.games.ensure_catalogue()
    store = blog.store
    assert isinstance(store, MemoryStore)
    now = clock()
    first = bulk_load(store, bulk_accounts(population), population.follows, now)
    names = [f"group {row}" for row in range(population.groups.n_rows)]
    group_ids = bulk_groups(store, names, population.groups, first, now)
    add_phones(store, population, first, now)
    return Seeded(blog, first, group_ids)


def add_phones(store: MemoryStore, population: Population, first: int, now: float) -> None:
    """A mobile session for each account on the mobile app: where its pushes go."""
    with store.write() as tx:
        for row in np.flatnonzero(population.mobile).tolist():
            tx.accounts.add_token(phone_token(row), first + row, now, ClientKind.MOBILE)


def phone_token(row: int) -> str:
    """The bearer token of the mobile session of the account at population row `row`."""
    return f"phone-{row}"


def account_name(row: int) -> str:
    """The account name of population row `row` (what an @mention of it says)."""
    return f"user{row}"


def bulk_accounts(population: Population) -> BulkAccounts:
    kinds = list(Kind)
    codes = population.kind.tolist()
    roles = [kinds[code].role for code in codes]
    tiers = [kind.tier for kind in kinds]
    return BulkAccounts(
        names=[account_name(row) for row in range(population.size)],
        roles=roles,
        tiers=[tiers[code] for code in codes],
        verified=[seeded_verified(role) for role in roles],
        profiles=population.profiles.store_profiles(),
    )
