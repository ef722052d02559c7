"""The games platform: a reproducible catalogue, and purchases split with developers."""

import pytest

from microblog.errors import Conflict, Invalid, NotFound
from microblog.money_models import LedgerKind
from microblog.platform import Microblog
from tests.microblog.conftest import MakeBlog, people
from tests.microblog.money_helpers import fund, key, ledger_balance


def test_the_catalogue_has_47_games_with_whole_coin_items(blog: Microblog) -> None:
    games = blog.games.catalogue()
    assert len(games) == 47 and len({g.name for g in games}) == 47
    for game in games:
        assert len(game.items) == 5
        assert all(i.price_fen >= 100 and i.price_fen % 100 == 0 for i in game.items)
    assert blog.games.get(games[3].id) == games[3]


def test_the_catalogue_follows_its_seed_and_size(make_blog: MakeBlog) -> None:
    same = [make_blog().games.catalogue() for _ in range(2)]
    other = make_blog(money={"games": {"seed": 1, "catalogue_size": 70}}).games.catalogue()
    assert same[0] == same[1]
    assert len(other) == 70 and [g.name for g in other[:47]] != [g.name for g in same[0]]


def test_buying_an_item_pays_the_developer_minus_the_platform_share(blog: Microblog) -> None:
    (a,) = people(blog, "ann")
    fund(blog, a.id, 100_000)
    item = blog.games.catalogue()[0].items[0]
    purchase = blog.games.buy(a.id, item.id, 3, idempotency_key=key())
    amount = item.price_fen * 3
    assert purchase.amount_fen == amount
    assert purchase.platform_fen == amount * 3 // 10
    assert purchase.developer_fen == amount - purchase.platform_fen
    assert blog.payments.balance(a.id) == 100_000 - amount
    assert ledger_balance(blog, LedgerKind.DEVELOPER, item.game_id) == purchase.developer_fen
    assert blog.ledger.audit().platform_revenue_fen == purchase.platform_fen


def test_the_platform_share_is_configurable(make_blog: MakeBlog) -> None:
    blog = make_blog(money={"games": {"platform_share": 0.5}})
    (a,) = people(blog, "ann")
    fund(blog, a.id, 100_000)
    item = blog.games.catalogue()[0].items[0]
    purchase = blog.games.buy(a.id, item.id, idempotency_key=key())
    assert purchase.platform_fen == purchase.developer_fen == item.price_fen // 2


def test_a_purchase_beyond_the_wallet_is_refused_and_records_nothing(blog: Microblog) -> None:
    (a,) = people(blog, "ann")
    item = blog.games.catalogue()[0].items[0]
    fund(blog, a.id, item.price_fen - 1)
    with pytest.raises(Conflict, match="short by 0.01 coins"):
        blog.games.buy(a.id, item.id, idempotency_key=key())
    assert blog.ledger.audit().platform_revenue_fen == 0
    assert blog.payments.balance(a.id) == item.price_fen - 1


def test_quantities_and_items_are_checked(blog: Microblog) -> None:
    (a,) = people(blog, "ann")
    item = blog.games.catalogue()[0].items[0]
    for bad in (0, -1, 101, 2.0):
        with pytest.raises(Invalid) as raised:
            blog.games.buy(a.id, item.id, bad, idempotency_key=key())  # type: ignore[arg-type]
        assert raised.value.field == "quantity"
    with pytest.raises(NotFound):
        blog.games.buy(a.id, 10_000, idempotency_key=key())
