"""Shared set-up of the ads tests: a platform with a hand-set clock, funded advertisers and
campaigns in one call, and the ledger's view of what they spent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from microblog.ads_models import BidType, Campaign, CampaignKind, CampaignSpec, FeedItem, Targeting
from microblog.config import PlatformConfig
from microblog.models import Account, Post, Profile, Role
from microblog.money_models import LedgerKind
from microblog.platform import Microblog
from microblog.services.accounts import NewAccount
from microblog.services.shops import NewProduct, NewShop
from microblog.store import open_store
from tests.backends import cache_for, store_url

NOON = 43_200.0
DAY = 86_400.0
FUNDS = 5_000_000
"""Fen every new advertiser and merchant is funded with (the largest seed credit)."""


class ManualClock:
    """Simulated seconds that only move when a test moves them."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class World:
    blog: Microblog
    clock: ManualClock
    names: Iterator[int] = field(default_factory=lambda: iter(range(1, 10**6)))

    def account(self, role: Role = Role.USER, funds: int = FUNDS, **profile: Any) -> Account:
        """A new account; advertisers and merchants get `funds` fen in their wallet."""
        new = NewAccount(f"acct{next(self.names)}", role, profile=Profile(**profile))
        ((account, _),) = self.blog.accounts.register_many([new])
        if role in (Role.ADVERTISER, Role.MERCHANT) and funds:
            self.blog.payments.seed_credits([(account.id, funds)])
        return account

    def reader(self, posts: int = 20, **profile: Any) -> Account:
        """A user whose home timeline holds `posts` of their own posts."""
        account = self.account(**profile)
        for i in range(posts):
            self.blog.posts.create(account.id, f"post {i}")
        return account

    def creative(self, owner: Account, kind: CampaignKind) -> Post:
        """A post to advertise: a plain post, or a product post for a promotion."""
        if kind is CampaignKind.AD:
            return self.blog.posts.create(owner.id, "buy now")
        ((_, (product,)),) = self.blog.shops.seed(
            [NewShop(owner.id, f"shop of {owner.name}", [NewProduct("tea", 1000, 10)])]
        )
        post, _ = self.blog.shops.post_product(owner.id, product.id, "buy now")
        return post

    def campaign(self, owner: Account | None = None, **spec: Any) -> Campaign:
        """A campaign with roomy defaults (CPM 1000 fen per mille: 1 fen per impression)."""
        kind = spec.get("kind", CampaignKind.AD)
        owner = owner or self.account(Role.ADVERTISER if kind is CampaignKind.AD else Role.MERCHANT)
        post = self.creative(owner, kind)
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

    def paid(self, owner_id: int, funds: int = FUNDS) -> int:
        """Fen that left the owner's wallet."""
        return funds - self.blog.payments.balance(owner_id)

    def revenue(self) -> int:
        """Fen in the platform's revenue account."""
        with self.blog.store.read() as tx:
            account = tx.ledger.find(LedgerKind.PLATFORM, 0)
        return 0 if account is None else account.balance_fen

    def assert_books_balance(self) -> None:
        """The ledger audit passes and platform revenue is exactly the ads' spend."""
        audit = self.blog.ledger.audit()
        assert audit.balanced, audit.problems
        assert self.revenue() == self.blog.ads.totals().spent


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
            cache = stack.enter_context(cache_for(backend))
            config = PlatformConfig.model_validate(
                {"ad_load": ad_load, "ads": {"pacing": False, **ads}}
            )
            clock = ManualClock(NOON)
            blog = Microblog(open_store(url), config, clock=clock, cache=cache)
            stack.callback(blog.close)
            return World(blog, clock)

        yield make
