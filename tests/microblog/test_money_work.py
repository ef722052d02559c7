"""Payments report their work, by the same rule on every backend."""

from pathlib import Path

from microblog.config import PlatformConfig
from microblog.money_models import TopUpChannel
from microblog.platform import Microblog
from microblog.store import open_store
from microblog.work import Work, recording
from tests.microblog.conftest import CHEAP_HASHING, people
from tests.microblog.money_helpers import RELIABLE_GATEWAY, influencer, key, merchant_product


def money_journey(blog: Microblog) -> list[Work]:
    """The work of each call of a journey through every money service."""
    ann, bob = people(blog, "ann", "bob")
    product = merchant_product(blog)
    star = influencer(blog)
    post, _ = blog.shops.post_product(star.id, product.id, "try it")
    item = blog.games.catalogue()[0].items[0]
    calls = [
        lambda: blog.payments.top_up(
            ann.id, 50_000, TopUpChannel.ONLINE_BANKING, idempotency_key="t"
        ),
        lambda: blog.payments.gift(ann.id, bob.id, 100, idempotency_key="g"),
        lambda: blog.payments.gift(ann.id, bob.id, 100, idempotency_key="g"),
        lambda: blog.games.buy(ann.id, item.id, 2, idempotency_key=key()),
        lambda: blog.orders.place(ann.id, product.id, 2, post_id=post.id, idempotency_key="o"),
        lambda: blog.orders.refund(product.merchant_id, 1, idempotency_key=key()),
        lambda: blog.payments.withdraw(bob.id, 50, idempotency_key=key()),
        lambda: blog.payments.statement(ann.id),
        blog.ledger.audit,
    ]
    done = []
    for call in calls:
        with recording() as work:
            call()
        done.append(work)
    return done


def test_payment_calls_count_the_same_work_on_every_backend(tmp_path: Path) -> None:
    config = PlatformConfig.model_validate({**CHEAP_HASHING, **RELIABLE_GATEWAY})
    journeys = []
    for url in ("memory", f"sqlite:///{tmp_path / 'work.sqlite'}"):
        blog = Microblog(open_store(url), config, clock=lambda: 1.0)
        journeys.append(money_journey(blog))
        blog.close()
    assert journeys[0] == journeys[1]
    top_up, gift, replay, *_ = journeys[0]
    assert gift.db_writes == 3 + 1 + 1  # journal and two balances, its key, bob's new wallet
    assert replay == Work(db_reads=1)
    assert top_up.db_writes >= 5
