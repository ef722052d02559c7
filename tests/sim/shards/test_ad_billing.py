"""A shard's ad charges: an advertiser it owns pays here, another's charges travel to the
advertiser's shard, summed over the window, priced as the ledger charges it stands for."""

from __future__ import annotations

from typing import Any

from microblog.ads_config import AdsConfig
from microblog.config import PlatformConfig
from microblog.models import Role
from microblog.platform import Microblog
from microblog.services.accounts import NewAccount
from microblog.services.ad_billing import LedgerBilling
from microblog.store import open_store
from microblog.store.memory import MemoryStore
from microblog.work import recording
from sim.shards.ad_billing import CHARGE_WORK, ShardAds


def platform() -> tuple[Microblog, MemoryStore, int]:
    """A platform with one advertiser, funded with 1 000 fen."""
    blog = Microblog(open_store("memory"), PlatformConfig(), clock=lambda: 0.0)
    ((advertiser, _),) = blog.accounts.register_many([NewAccount("adv", Role.ADVERTISER)])
    blog.payments.seed_credits([(advertiser.id, 1_000)])
    assert isinstance(blog.store, MemoryStore)
    return blog, blog.store, advertiser.id


def shard_ads(blog: Microblog, store: MemoryStore, owner: int, sent: list[Any]) -> ShardAds:
    return ShardAds(
        LedgerBilling(blog.ledger), store, lambda _: owner, 0,
        lambda *message: sent.append(message), lambda: 0.0, AdsConfig(),
    )  # fmt: skip


def test_a_charge_sent_to_the_advertisers_shard_is_priced_as_a_local_charge() -> None:
    blog, store, advertiser = platform()
    for key in ("ads:cpm:1:1", "ads:cpm:1:2"):  # the first opens the revenue account
        with recording() as local, store.write() as tx:
            assert LedgerBilling(blog.ledger).charge(tx, advertiser, 1, 5, key, True)
    sent: list[Any] = []
    ads = shard_ads(blog, store, 1, sent)
    with recording() as routed, store.write() as tx:
        assert ads.charge(tx, advertiser, 1, 5, "ads:cpm:1:1", True)
    assert local == CHARGE_WORK == routed
    with store.write() as tx:
        assert ads.charge(tx, advertiser, 1, 4, "ads:cpm:1:2", True)
    assert sent == []  # the window's charges go summed, when it ends
    assert ads.take().spend == {(1, 0): 9}
    assert sent == [(1, "ad_charge", (advertiser, 1, 9, "shard-0:ads:window-0:1"))]
    ads.take()
    assert len(sent) == 1  # a window with no charges sends none
    assert blog.payments.balance(advertiser) == 990


def test_the_advertisers_shard_charges_its_wallet_and_reports_the_spend() -> None:
    blog, store, advertiser = platform()
    ads = shard_ads(blog, store, 0, [])
    ads.charged_here(advertiser, 1, 7, "shard-1:ads:cpm:1:1")
    ads.charged_here(advertiser, 1, 7, "shard-1:ads:cpm:1:1")  # a replay pays once
    with store.write() as tx:
        assert ads.charge(tx, advertiser, 1, 3, "ads:cpm:1:1", True)
    assert blog.payments.balance(advertiser) == 1_000 - 7 - 3
    assert ads.take().spend == {(1, 0): 3}
    assert ads.take().spend == {}
