"""Shared set-up of the ads tests: a platform with a hand-set clock, campaigns in one call."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from microblog.ads_models import BidType, Campaign, CampaignKind, CampaignSpec, FeedItem, Targeting
from microblog.config import PlatformConfig
from microblog.models import Account, Profile, Role
from microblog.platform import Microblog
from microblog.services.accounts import NewAccount
from microblog.store import open_store
from microblog.store.base import Tx
from tests.backends import store_url

NOON = 43_200.0
DAY = 86_400.0


class ManualClock:
    """Simulated seconds that only move when a test moves them."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class RecordingBilling:
    """Stand-in payer: wallets start rich unless a test sets them; charges kept by key."""

    wallets: dict[int, int] = field(default_factory=dict)
    charges: dict[str, tuple[int, int]] = field(default_factory=dict)
    rich: int = 10**12

    def charge(self, tx: Tx, advertiser_id: int, amount: int, key: str) -> bool:
        assert amount > 0, "zero charges are never sent"
        if key in self.charges:
            return True
        balance = self.wallets.get(advertiser_id, self.rich)
        if balance < amount:
            return False
        self.wallets[advertiser_id] = balance - amount
        self.charges[key] = (advertiser_id, amount)
        return True

    def charged(self, advertiser_id: int) -> int:
        return sum(amount for who, amount in self.charges.values() if who == advertiser_id)


@dataclass
class World:
    blog: Microblog
    clock: ManualClock
    billing: RecordingBilling
    names: Iterator[int] = field(default_factory=lambda: iter(range(1, 10**6)))

    def account(self, role: Role = Role.USER, **profile: Any) -> Account:
        new = NewAccount(f"acct{next(self.names)}", role, profile=Profile(**profile))
        ((account, _),) = self.blog.accounts.register_many([new])
        return account

    def reader(self, posts: int = 20, **profile: Any) -> Account:
        """A user whose home timeline holds `posts` of their own posts."""
        account = self.account(**profile)
        for i in range(posts):
            self.blog.posts.create(account.id, f"post {i}")
        return account

    def campaign(self, owner: Account | None = None, **spec: Any) -> Campaign:
        """A campaign with roomy defaults (CPM 1000 fen per mille: 1 fen per impression)."""
        kind = spec.get("kind", CampaignKind.AD)
        role = Role.ADVERTISER if kind is CampaignKind.AD else Role.MERCHANT
        owner = owner or self.account(role)
        post = self.blog.posts.create(owner.id, "buy now")
        return self.blog.ads.create_campaign(owner.id, replace(default_spec(post.id), **spec))

    def feed(self, viewer: Account, limit: int = 20) -> list[FeedItem]:
        """Every page of the viewer's home feed, concatenated."""
        items, cursor = [], None
        while True:
            page = self.blog.feed.home(viewer.id, cursor, limit)
            items += page.items
            if page.next_cursor is None:
                return items
            cursor = page.next_cursor

    def ads_seen(self, viewer: Account, limit: int = 20) -> list[int]:
        """Campaign ids of the ads on one full read of the viewer's feed."""
        return [item.ad.campaign_id for item in self.feed(viewer, limit) if item.ad]


def default_spec(post_id: int) -> CampaignSpec:
    return CampaignSpec(
        post_id=post_id,
        bid_type=BidType.CPM,
        bid=1000,
        daily_budget=10**9,
        total_budget=10**9,
        start=0.0,
        end=1000 * DAY,
        frequency_cap=1000,
        targeting=Targeting(),
    )


MakeWorld = Callable[..., World]


@pytest.fixture
def make_world(backend: str, tmp_path: Path) -> Iterator[MakeWorld]:
    """Platforms over fresh stores of the backend under test, at noon of day 0.

    Pacing is off unless a test turns it on, so budgets are not throttled by the hour.
    """
    with ExitStack() as stack:

        def make(ad_load: float = 0.2, **ads: Any) -> World:
            url = stack.enter_context(store_url(backend, tmp_path))
            config = PlatformConfig.model_validate(
                {"ad_load": ad_load, "ads": {"pacing": False, **ads}}
            )
            clock, billing = ManualClock(NOON), RecordingBilling()
            blog = Microblog(open_store(url), config, clock=clock, ad_billing=billing)
            stack.callback(blog.close)
            return World(blog, clock, billing)

        yield make
