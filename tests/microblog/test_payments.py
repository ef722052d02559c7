"""Top-ups through the gateway, idempotent retries, gifts, withdrawals and seeding."""

import itertools
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from microblog.config import PlatformConfig
from microblog.errors import Conflict, Invalid, NotFound
from microblog.money_config import GatewayConfig
from microblog.money_models import TopUpChannel, TopUpStatus
from microblog.platform import Microblog
from microblog.services.gateway import GatewayReply, SimulatedGateway
from microblog.store import open_store
from tests.microblog.conftest import CHEAP_HASHING, MakeBlog, people
from tests.microblog.money_helpers import RELIABLE_GATEWAY, fund, key

BANK = TopUpChannel.ONLINE_BANKING
NEVER_ANSWERS = {"money": {"gateway": {"latency_ms": 1e12, "timeout_ms": 0.001}}}


def test_a_confirmed_top_up_credits_the_wallet(make_blog: MakeBlog) -> None:
    blog = make_blog(**RELIABLE_GATEWAY)
    (a,) = people(blog, "ann")
    topup = blog.payments.top_up(a.id, 3000, BANK, idempotency_key=key())
    assert topup.status is TopUpStatus.CONFIRMED and topup.settled_at is not None
    assert blog.payments.balance(a.id) == 3000
    audit = blog.ledger.audit()
    assert audit.balanced and audit.topups_confirmed_fen == audit.issued_fen == 3000


def test_a_declined_top_up_credits_nothing(make_blog: MakeBlog) -> None:
    blog = make_blog(money={"gateway": {"latency_ms": 0.0, "failure_rate": 1.0}})
    (a,) = people(blog, "ann")
    topup = blog.payments.top_up(a.id, 3000, TopUpChannel.THIRD_PARTY_WALLET, idempotency_key=key())
    assert topup.status is TopUpStatus.FAILED
    assert blog.payments.balance(a.id) == 0
    assert blog.ledger.audit().issued_fen == 0


def test_a_timed_out_top_up_waits_and_its_late_confirmation_applies_once(
    make_blog: MakeBlog,
) -> None:
    blog = make_blog(**NEVER_ANSWERS)
    (a,) = people(blog, "ann")
    first_key = key()
    topup = blog.payments.top_up(a.id, 3000, BANK, idempotency_key=first_key)
    assert topup.status is TopUpStatus.PENDING and blog.payments.balance(a.id) == 0
    assert blog.payments.settle(topup.id, confirmed=True).status is TopUpStatus.CONFIRMED
    assert blog.payments.settle(topup.id, confirmed=True).status is TopUpStatus.CONFIRMED
    assert blog.payments.balance(a.id) == 3000
    with pytest.raises(Conflict, match="already confirmed"):
        blog.payments.settle(topup.id, confirmed=False)
    retried = blog.payments.top_up(a.id, 3000, BANK, idempotency_key=first_key)
    assert (retried.id, retried.status) == (topup.id, TopUpStatus.CONFIRMED)
    assert blog.payments.balance(a.id) == 3000 and blog.ledger.audit().balanced


def test_a_late_failure_leaves_the_wallet_untouched(make_blog: MakeBlog) -> None:
    blog = make_blog(**NEVER_ANSWERS)
    (a,) = people(blog, "ann")
    topup = blog.payments.top_up(a.id, 3000, BANK, idempotency_key=key())
    assert blog.payments.settle(topup.id, confirmed=False).status is TopUpStatus.FAILED
    assert blog.payments.balance(a.id) == 0
    assert blog.payments.topup(a.id, topup.id).status is TopUpStatus.FAILED


class ManualClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def slow_gateway_blog(backend: str, tmp_path: Path) -> Iterator[tuple[Microblog, ManualClock]]:
    """A platform whose gateway always outlasts the timeout, on a clock the test moves."""
    clock = ManualClock()
    config = GatewayConfig(latency_ms=10_000_000, timeout_ms=1, failure_rate=0.0)
    gateway = SimulatedGateway(config, np.random.default_rng(1), sleep=lambda s: None, clock=clock)
    url = "memory" if backend == "memory" else f"sqlite:///{tmp_path / 'slow.sqlite'}"
    blog = Microblog(
        open_store(url), PlatformConfig.model_validate(CHEAP_HASHING), clock, gateway=gateway
    )
    yield blog, clock
    blog.close()


def test_late_callbacks_are_delivered_once_when_due(
    slow_gateway_blog: tuple[Microblog, ManualClock],
) -> None:
    blog, clock = slow_gateway_blog
    (a,) = people(blog, "ann")
    topup = blog.payments.top_up(a.id, 600, BANK, idempotency_key=key())
    assert blog.payments.deliver_callbacks() == []
    clock.now = 1e9
    (settled,) = blog.payments.deliver_callbacks()
    assert (settled.id, settled.status) == (topup.id, TopUpStatus.CONFIRMED)
    assert blog.payments.deliver_callbacks() == []
    assert blog.payments.balance(a.id) == 600


def test_the_gateway_is_reproducible_and_declines_at_its_rate() -> None:
    config = GatewayConfig(latency_ms=100, failure_rate=0.2, timeout_ms=1e9)

    def replies(seed: int) -> list[GatewayReply]:
        gateway = SimulatedGateway(config, np.random.default_rng(seed), sleep=lambda s: None)
        return [gateway.charge(i, 100, BANK) for i in range(2000)]

    first = replies(7)
    assert first == replies(7) and first != replies(8)
    declined = first.count(GatewayReply.DECLINED) / len(first)
    assert declined == pytest.approx(0.2, abs=0.04)


def test_the_gateway_sleeps_its_latency_and_stops_waiting_at_the_timeout() -> None:
    slept: list[float] = []
    config = GatewayConfig(latency_ms=500, failure_rate=0.0, timeout_ms=400)
    gateway = SimulatedGateway(config, np.random.default_rng(3), sleep=slept.append)
    replies = [gateway.charge(i, 100, BANK) for i in range(200)]
    timed_out = [s for r, s in zip(replies, slept, strict=True) if r is GatewayReply.TIMED_OUT]
    assert timed_out and all(s == 0.4 for s in timed_out)
    assert max(s for r, s in zip(replies, slept, strict=True) if r is GatewayReply.CONFIRMED) <= 0.4


def test_a_retry_with_the_same_key_returns_the_first_result_and_pays_once(
    blog: Microblog,
) -> None:
    a, b = people(blog, "ann", "bob")
    fund(blog, a.id, 1000)
    gift_key, withdrawal_key = key(), key()
    gifts = [blog.payments.gift(a.id, b.id, 100, idempotency_key=gift_key) for _ in range(3)]
    withdrawals = [
        blog.payments.withdraw(a.id, 50, idempotency_key=withdrawal_key) for _ in range(3)
    ]
    assert gifts[0] == gifts[1] == gifts[2] and withdrawals[0] == withdrawals[2]
    assert (blog.payments.balance(a.id), blog.payments.balance(b.id)) == (850, 100)


def test_the_same_key_for_a_different_request_is_refused(blog: Microblog) -> None:
    a, b = people(blog, "ann", "bob")
    fund(blog, a.id, 1000)
    reused = key()
    blog.payments.gift(a.id, b.id, 100, idempotency_key=reused)
    for retry in (
        lambda: blog.payments.gift(a.id, b.id, 101, idempotency_key=reused),
        lambda: blog.payments.withdraw(a.id, 100, idempotency_key=reused),
    ):
        with pytest.raises(Invalid, match="already used for a different request") as raised:
            retry()
        assert raised.value.field == "Idempotency-Key"
    assert blog.payments.balance(a.id) == 900


def test_keys_are_scoped_per_account(blog: Microblog) -> None:
    a, b = people(blog, "ann", "bob")
    fund(blog, a.id, 1000)
    fund(blog, b.id, 1000)
    blog.payments.gift(a.id, b.id, 100, idempotency_key="shared")
    blog.payments.gift(b.id, a.id, 300, idempotency_key="shared")
    assert (blog.payments.balance(a.id), blog.payments.balance(b.id)) == (1200, 800)


def test_a_refused_request_stores_nothing_so_its_retry_can_succeed(blog: Microblog) -> None:
    a, b = people(blog, "ann", "bob")
    retry_key = key()
    with pytest.raises(Conflict):
        blog.payments.gift(a.id, b.id, 100, idempotency_key=retry_key)
    fund(blog, a.id, 100)
    assert blog.payments.gift(a.id, b.id, 100, idempotency_key=retry_key).amount_fen == 100


def test_keys_must_be_printable_and_bounded(blog: Microblog) -> None:
    a, b = people(blog, "ann", "bob")
    for bad in ("", "x" * 256, "tab\there", "键"):
        with pytest.raises(Invalid) as raised:
            blog.payments.gift(a.id, b.id, 100, idempotency_key=bad)
        assert raised.value.field == "Idempotency-Key"


def test_gifts_need_another_existing_recipient(blog: Microblog) -> None:
    (a,) = people(blog, "ann")
    fund(blog, a.id, 1000)
    with pytest.raises(Invalid) as to_self:
        blog.payments.gift(a.id, a.id, 100, idempotency_key=key())
    assert to_self.value.field == "recipient_id"
    with pytest.raises(NotFound):
        blog.payments.gift(a.id, 999, 100, idempotency_key=key())


def test_a_gift_can_tip_a_post(blog: Microblog) -> None:
    a, b = people(blog, "ann", "bob")
    fund(blog, a.id, 1000)
    post = blog.posts.create(b.id, "worth a tip")
    gift = blog.payments.gift(a.id, b.id, 88, post_id=post.id, idempotency_key=key())
    assert gift.post_id == post.id
    assert blog.payments.statement(b.id).items[0].ref_id == post.id


def test_seeding_issues_coins_into_existing_wallets_only(blog: Microblog) -> None:
    a, b = people(blog, "ann", "bob")
    assert blog.payments.seed_credits([(a.id, 500), (b.id, 700)]) == 1200
    assert blog.ledger.audit().issued_fen == 1200
    with pytest.raises(NotFound):
        blog.payments.seed_credits([(a.id, 500), (999, 1)])
    assert blog.payments.balance(a.id) == 500


def test_top_up_retries_after_a_decline_keep_the_failure(make_blog: MakeBlog) -> None:
    """The key names one top-up: retrying it reports that top-up, never charges twice."""
    blog = make_blog(money={"gateway": {"latency_ms": 0.0, "failure_rate": 1.0}})
    (a,) = people(blog, "ann")
    retried_key = key()
    first = blog.payments.top_up(a.id, 500, BANK, idempotency_key=retried_key)
    again = blog.payments.top_up(a.id, 500, BANK, idempotency_key=retried_key)
    assert first == again and again.status is TopUpStatus.FAILED


def test_instant_gateway_top_ups_are_reproducible(make_blog: MakeBlog) -> None:
    """Same gateway seed, same sequence of confirmations and declines."""

    def outcomes() -> list[TopUpStatus]:
        blog = make_blog(money={"gateway": {"latency_ms": 0.0, "failure_rate": 0.5}})
        (a,) = people(blog, f"ann{next(serial)}")
        return [
            blog.payments.top_up(a.id, 100, BANK, idempotency_key=key()).status for _ in range(20)
        ]

    serial = itertools.count()
    assert outcomes() == outcomes()
