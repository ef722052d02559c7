"""App charges the user answers: pending until confirmed, declined or expired; paid at once
only within a `payments` grant's pre-authorised cap; games sell as apps on the same path."""

from __future__ import annotations

import pytest

from microblog.app_models import ChargeStatus, Scope, game_client_id
from microblog.errors import Conflict, InsufficientFunds, NotFound
from microblog.money_models import LedgerKind
from microblog.platform import Microblog
from microblog.rate_limit_config import AppTier
from microblog.services.apps import Grant
from tests.microblog.conftest import MakeBlog, people
from tests.microblog.money_helpers import fund, key, ledger_balance


@pytest.fixture(params=["memory", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    """The memory store and one SQL store (the status moves are conditional updates there);
    SQLite and Redis meet the same code over HTTP (`api/test_app_charges_http.py`)."""
    return str(request.param)


def grant_of(blog: Microblog, *scopes: Scope) -> tuple[Grant, int, int]:
    """A funded user's grant to a developer's app: (grant, user id, developer id)."""
    user, developer = people(blog, "player", "studio")
    fund(blog, user.id, 1000)
    app, _ = blog.apps.register(developer.id, "Shop bot", ["https://a.example/cb"], [*scopes])
    return Grant(user.id, frozenset(scopes), app.client_id, AppTier.NORMAL), user.id, developer.id


def test_a_charge_waits_for_the_user_and_pays_once_confirmed(blog: Microblog) -> None:
    grant, user, developer = grant_of(blog, Scope.READ, Scope.POST)
    asked = blog.app_payments.charge(grant, "Gem bundle", 600, idempotency_key=key())
    assert asked.status is ChargeStatus.PENDING and blog.payments.balance(user) == 1000
    assert blog.app_payments.pending(user) == [asked]
    with pytest.raises(NotFound):
        blog.app_payments.confirm(developer, asked.id)
    assert blog.app_payments.confirm(user, asked.id).status is ChargeStatus.PAID
    with pytest.raises(Conflict, match="is paid, not pending"):
        blog.app_payments.confirm(user, asked.id)
    assert (blog.payments.balance(user), blog.payments.balance(developer)) == (400, 600)
    assert blog.app_payments.pending(user) == [] and blog.ledger.audit().balanced


def test_a_declined_charge_never_pays(blog: Microblog) -> None:
    grant, user, developer = grant_of(blog, Scope.POST)
    asked = blog.app_payments.charge(grant, "Booster", 600, idempotency_key=key())
    assert blog.app_payments.decline(user, asked.id).status is ChargeStatus.DECLINED
    with pytest.raises(Conflict, match="declined"):
        blog.app_payments.confirm(user, asked.id)
    assert blog.app_payments.get(grant, asked.id).status is ChargeStatus.DECLINED
    assert (blog.payments.balance(user), blog.payments.balance(developer)) == (1000, 0)


def test_a_short_wallet_is_refused_and_the_charge_stays_pending(blog: Microblog) -> None:
    grant, user, developer = grant_of(blog, Scope.POST)
    asked = blog.app_payments.charge(grant, "Hero skin", 1500, idempotency_key=key())
    with pytest.raises(InsufficientFunds, match="short by 5.00 coins"):
        blog.app_payments.confirm(user, asked.id)
    assert (blog.payments.balance(user), blog.payments.balance(developer)) == (1000, 0)
    assert blog.app_payments.pending(user) == [asked] and blog.ledger.audit().balanced


def test_payments_pre_authorise_charges_up_to_the_cap(make_blog: MakeBlog) -> None:
    blog = make_blog(apps={"preauthorized_max_fen": 500})
    grant, user, developer = grant_of(blog, Scope.PAYMENTS)
    within = blog.app_payments.charge(grant, "Coin pack", 500, idempotency_key=key())
    above = blog.app_payments.charge(grant, "Coin pack", 501, idempotency_key=key())
    assert (within.status, above.status) == (ChargeStatus.PAID, ChargeStatus.PENDING)
    assert (blog.payments.balance(user), blog.payments.balance(developer)) == (500, 500)


def test_an_unanswered_charge_expires_unpaid(make_blog: MakeBlog) -> None:
    blog = make_blog(apps={"pending_charge_ttl_s": 1})  # the test clock ticks 1 s a call
    grant, user, _ = grant_of(blog, Scope.POST)
    asked = blog.app_payments.charge(grant, "Season pass", 600, idempotency_key=key())
    assert blog.app_payments.pending(user) == []
    with pytest.raises(Conflict, match="expired"):
        blog.app_payments.confirm(user, asked.id)
    assert blog.payments.balance(user) == 1000


def test_a_game_purchase_is_a_charge_of_the_games_app(blog: Microblog) -> None:
    (a,) = people(blog, "ann")
    fund(blog, a.id, 100_000)
    item = blog.games.catalogue()[1].items[0]
    purchase = blog.games.buy(a.id, item.id, 2, idempotency_key=key())
    with blog.store.read() as tx:
        app = tx.apps.get(game_client_id(item.game_id))
        charge = tx.apps.charge(purchase.id)
    assert app is not None and (app.game_id, app.developer_id) == (item.game_id, None)
    assert charge is not None and charge.client_id == app.client_id
    assert (charge.status, charge.amount_fen) == (ChargeStatus.PAID, 2 * item.price_fen)
    assert ledger_balance(blog, LedgerKind.DEVELOPER, item.game_id) == charge.developer_fen
