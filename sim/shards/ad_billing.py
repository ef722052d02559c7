"""A shard's side of ads: who pays a charge, what the driver is told, what it grants.

A viewer's shard serves the ad and keeps the campaign's delivery (impressions, clicks,
hides, conversions, fen spent: `revenue.ads` reads them there), but the money is the
advertiser's, in a wallet the advertiser's shard owns. So the advertiser's shard charges:
the charges of a campaign whose owner lives elsewhere are summed over the window and go
there as one `ad_charge` message at its end (one a campaign and window, not one an
impression: they were 42 % of bench-100k's messages at K = 2, docs/sharding.md
"Projection"), posted to the ledger at the barrier (advertiser's wallet -> platform
revenue, both on that shard: no clearing account is needed), keyed by the source shard,
the window and the campaign, so two shards' charges never pass for one replayed charge.
The viewer's shard counts each charge as paid when it is made: every campaign's owner is
funded with all its campaigns may spend (`sim.economy.fund`), and should a window's sum
still fail there, the owner's shard marks the campaign unfunded and the driver grants it
nothing more (within a window, charges already counted stay counted: documented in
docs/sharding.md).

The call that charged is priced where it ran, so the charge's ledger work is recorded
there too (`CHARGE_WORK`, what a local charge records) and the owner applies it unpriced.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from microblog.ads_config import AdsConfig
from microblog.ads_models import CampaignStatus, FeedItem
from microblog.services.ad_billing import LedgerBilling
from microblog.services.pacing import day_of
from microblog.store.base import Tx
from microblog.store.memory import MemoryStore
from microblog.store.memory_ads import MemoryAds
from microblog.work import Work, record
from sim.activities.base import Steps
from sim.shards.budgets import AdWindow, Grants

CHARGE_WORK = Work(db_reads=4, db_writes=4)
"""What a ledger charge of an ad records on the memory store once the platform's revenue
account exists (its idempotency lookup, the two ledger accounts, the transfer's rows and
its key; a test checks it)."""

Send = Callable[[int, str, tuple[Any, ...]], None]
"""Puts a message in the shard's outbox: (target shard, kind, payload)."""


class ShardAds:
    """The shard's `AdBilling`, its count of impressions (a feed reader), and its grants."""

    def __init__(
        self,
        ledger: LedgerBilling,
        store: MemoryStore,
        owner_of: Callable[[int], int],
        shard: int,
        send: Send,
        clock: Callable[[], float],
        config: AdsConfig,
    ) -> None:
        self.ledger = ledger
        self.store = store
        self.owner_of = owner_of
        self.shard = shard
        self.send = send
        self.clock = clock
        self.config = config
        self.window = AdWindow()
        self.owed: dict[tuple[int, int, int], int] = {}
        """Fen charged this window to campaigns another shard's advertiser owns, by
        (that shard, advertiser, campaign): sent summed when the window ends."""
        self.windows = itertools.count()
        self.granted: list[Callable[[Grants], None]] = []
        """Told every grant as it is taken (bid reviews read the whole campaigns' totals)."""

    def charge(
        self, tx: Tx, advertiser_id: int, campaign_id: int, amount: int, key: str, wait: bool
    ) -> bool:
        owner = self.owner_of(advertiser_id)
        if owner == self.shard:
            paid = self.ledger.charge(tx, advertiser_id, campaign_id, amount, key, wait)
        else:
            owed = (owner, advertiser_id, campaign_id)
            self.owed[owed] = self.owed.get(owed, 0) + amount
            record(db_reads=CHARGE_WORK.db_reads, db_writes=CHARGE_WORK.db_writes)
            paid = True
        if paid:
            self.window.spend[campaign_id, day_of(self.clock(), self.config)] += amount
        return paid

    def seen(self, _row: int, items: list[FeedItem]) -> Steps:
        """Count the window's impressions by campaign (the driver splits budgets by them)."""
        for item in items:
            if item.ad is not None:
                self.window.impressions[item.ad.campaign_id] += 1
        yield from ()

    def charged_here(self, advertiser_id: int, campaign_id: int, amount: int, key: str) -> None:
        """Another shard's charge of an advertiser this shard owns (`ad_charge`)."""
        with self.store.write() as tx:
            if not self.ledger.charge(tx, advertiser_id, campaign_id, amount, key, True):
                tx.ads.set_status(campaign_id, CampaignStatus.UNFUNDED)
                self.window.unfunded.add(campaign_id)

    def take(self) -> AdWindow:
        """The window's report, after sending its summed charges to the advertisers'
        shards; the next window starts a new one."""
        window = next(self.windows)
        for (owner, advertiser_id, campaign_id), amount in self.owed.items():
            key = f"shard-{self.shard}:ads:window-{window}:{campaign_id}"
            self.send(owner, "ad_charge", (advertiser_id, campaign_id, amount, key))
        self.owed.clear()
        taken, self.window = self.window, AdWindow()
        return taken

    def grant(self, grants: Grants) -> None:
        """The driver's allowances for the next window."""
        ads = MemoryAds(self.store.data.ads)
        for campaign_id, given in grants.items():
            ads.grant(campaign_id, given.allowance, given.day, given.day_spent)
        for listener in self.granted:
            listener(grants)
