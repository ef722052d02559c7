"""A commerce partner's marketing fees: ledger transfers to the platform, billed once."""

import pytest

from microblog.errors import InsufficientFunds, NotFound
from microblog.models import Role
from microblog.money_models import LedgerKind, TransferKind
from microblog.platform import Microblog
from microblog.services.accounts import NewAccount
from tests.microblog.money_helpers import fund, key


def partner(blog: Microblog) -> int:
    ((account, _),) = blog.accounts.register_many([NewAccount("taobao", Role.ADVERTISER)])
    return account.id


def platform_balance(blog: Microblog) -> int:
    with blog.store.read() as tx:
        account = tx.ledger.find(LedgerKind.PLATFORM, 0)
    return 0 if account is None else account.balance_fen


def test_a_fee_moves_from_the_partner_to_the_platform_once(blog: Microblog) -> None:
    """A retried charge with its key replays the first fee and bills nothing more."""
    taobao = partner(blog)
    fund(blog, taobao, 10_000)
    post = blog.posts.create(taobao, "spring sale, link inside")
    charge_key = key()
    fee = blog.partners.charge(taobao, 250, post_id=post.id, idempotency_key=charge_key)
    again = blog.partners.charge(taobao, 250, post_id=post.id, idempotency_key=charge_key)
    assert again == fee and (fee.amount_fen, fee.post_id) == (250, post.id)
    assert blog.payments.balance(taobao) == 9_750 and platform_balance(blog) == 250
    contract = blog.partners.charge(taobao, 5_000, idempotency_key=key())
    assert contract.post_id is None and platform_balance(blog) == 5_250
    audit = blog.ledger.audit()
    assert audit.balanced, audit.problems
    assert audit.platform_revenue_fen == 5_250
    with blog.store.read() as tx:
        kinds = {t.kind for t in tx.ledger.statement(blog.ledger.wallet(tx, taobao), None, 10)}
    assert TransferKind.PARTNER_FEE in kinds


def test_a_partner_short_of_coins_is_refused_naming_the_shortfall(blog: Microblog) -> None:
    taobao = partner(blog)
    fund(blog, taobao, 100)
    with pytest.raises(InsufficientFunds, match="short by 1.50 coins"):
        blog.partners.charge(taobao, 250, idempotency_key=key())
    assert blog.payments.balance(taobao) == 100 and platform_balance(blog) == 0


def test_a_fee_for_a_missing_post_is_refused(blog: Microblog) -> None:
    taobao = partner(blog)
    fund(blog, taobao, 1_000)
    with pytest.raises(NotFound, match="no post 999"):
        blog.partners.charge(taobao, 250, post_id=999, idempotency_key=key())
