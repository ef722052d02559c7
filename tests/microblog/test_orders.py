"""Orders: commissions, referrals, stock that never goes negative, and exact refunds."""

import pytest

from microblog.errors import Conflict, Forbidden, Invalid
from microblog.money_models import OrderStatus
from microblog.platform import Microblog
from tests.microblog.conftest import MakeBlog, people
from tests.microblog.money_helpers import fund, influencer, key, merchant_product


def test_an_order_pays_the_merchant_minus_the_platform_commission(blog: Microblog) -> None:
    product = merchant_product(blog, price_fen=2999)
    (buyer,) = people(blog, "ann")
    fund(blog, buyer.id, 10_000)
    order = blog.orders.place(buyer.id, product.id, 2, idempotency_key=key())
    assert (order.amount_fen, order.platform_fen, order.influencer_fen) == (5998, 299, 0)
    assert order.merchant_fen == 5998 - 299 and order.status is OrderStatus.PAID
    assert blog.payments.balance(buyer.id) == 10_000 - 5998
    assert blog.payments.balance(product.merchant_id) == order.merchant_fen
    assert blog.shops.product(product.id).stock == 8
    assert blog.ledger.audit().platform_revenue_fen == 299


def test_an_order_through_an_influencer_post_pays_the_referral(make_blog: MakeBlog) -> None:
    blog = make_blog(money={"commerce_commission": 0.1, "influencer_commission": 0.25})
    product = merchant_product(blog, price_fen=1000)
    star = influencer(blog)
    (buyer,) = people(blog, "ann")
    fund(blog, buyer.id, 10_000)
    promo, _ = blog.shops.post_product(star.id, product.id, "try it")
    order = blog.orders.place(buyer.id, product.id, post_id=promo.id, idempotency_key=key())
    assert (order.merchant_fen, order.platform_fen, order.influencer_fen) == (650, 100, 250)
    assert order.influencer_id == star.id and blog.payments.balance(star.id) == 250
    merchant_post, _ = blog.shops.post_product(product.merchant_id, product.id, "buy direct")
    direct = blog.orders.place(
        buyer.id, product.id, post_id=merchant_post.id, idempotency_key=key()
    )
    assert direct.influencer_id is None and direct.influencer_fen == 0


def test_an_influencer_earns_nothing_on_their_own_purchase(blog: Microblog) -> None:
    product = merchant_product(blog)
    star = influencer(blog)
    fund(blog, star.id, 10_000)
    promo, _ = blog.shops.post_product(star.id, product.id, "mine too")
    order = blog.orders.place(star.id, product.id, post_id=promo.id, idempotency_key=key())
    assert order.influencer_id is None
    assert blog.payments.balance(star.id) == 10_000 - order.amount_fen


def test_an_order_post_must_sell_that_product(blog: Microblog) -> None:
    tea = merchant_product(blog, "grocer")
    cake = merchant_product(blog, "baker")
    (buyer,) = people(blog, "ann")
    fund(blog, buyer.id, 10_000)
    cake_post, _ = blog.shops.post_product(cake.merchant_id, cake.id, "cake!")
    with pytest.raises(Invalid) as raised:
        blog.orders.place(buyer.id, tea.id, post_id=cake_post.id, idempotency_key=key())
    assert raised.value.field == "post_id"


def test_stock_never_goes_below_zero(blog: Microblog) -> None:
    product = merchant_product(blog, price_fen=100, stock=3)
    (buyer,) = people(blog, "ann")
    fund(blog, buyer.id, 10_000)
    blog.orders.place(buyer.id, product.id, 2, idempotency_key=key())
    with pytest.raises(Conflict, match="has 1 left, 2 ordered"):
        blog.orders.place(buyer.id, product.id, 2, idempotency_key=key())
    blog.orders.place(buyer.id, product.id, 1, idempotency_key=key())
    assert blog.shops.product(product.id).stock == 0
    assert blog.payments.balance(buyer.id) == 10_000 - 300


def test_a_short_wallet_takes_no_stock(blog: Microblog) -> None:
    product = merchant_product(blog, price_fen=1000, stock=3)
    (buyer,) = people(blog, "ann")
    fund(blog, buyer.id, 999)
    with pytest.raises(Conflict, match="short by 0.01 coins"):
        blog.orders.place(buyer.id, product.id, idempotency_key=key())
    assert blog.shops.product(product.id).stock == 3


def test_merchants_cannot_buy_from_their_own_shop(blog: Microblog) -> None:
    product = merchant_product(blog)
    fund(blog, product.merchant_id, 10_000)
    with pytest.raises(Invalid):
        blog.orders.place(product.merchant_id, product.id, idempotency_key=key())


def test_a_refund_reverses_every_flow_exactly_and_restocks(blog: Microblog) -> None:
    product = merchant_product(blog, price_fen=1999, stock=5)
    star = influencer(blog)
    (buyer,) = people(blog, "ann")
    fund(blog, buyer.id, 10_000)
    promo, _ = blog.shops.post_product(star.id, product.id, "try it")
    before = blog.ledger.audit()
    order = blog.orders.place(buyer.id, product.id, 3, post_id=promo.id, idempotency_key=key())
    refunded = blog.orders.refund(product.merchant_id, order.id, idempotency_key=key())
    assert refunded.status is OrderStatus.REFUNDED and refunded.refunded_at is not None
    balances = [blog.payments.balance(a) for a in (buyer.id, star.id, product.merchant_id)]
    assert balances == [10_000, 0, 0]
    assert blog.shops.product(product.id).stock == 5
    after = blog.ledger.audit()
    assert after.balanced and after.platform_revenue_fen == before.platform_revenue_fen == 0
    assert blog.orders.get(buyer.id, order.id).status is OrderStatus.REFUNDED


def test_only_the_shops_merchant_refunds_and_only_once(blog: Microblog) -> None:
    product = merchant_product(blog, "grocer")
    rival = merchant_product(blog, "rival")
    (buyer,) = people(blog, "ann")
    fund(blog, buyer.id, 10_000)
    order = blog.orders.place(buyer.id, product.id, idempotency_key=key())
    for actor in (rival.merchant_id, buyer.id):
        with pytest.raises(Forbidden):
            blog.orders.refund(actor, order.id, idempotency_key=key())
    blog.orders.refund(product.merchant_id, order.id, idempotency_key=key())
    with pytest.raises(Conflict, match="already refunded"):
        blog.orders.refund(product.merchant_id, order.id, idempotency_key=key())
    assert blog.payments.balance(buyer.id) == 10_000


def test_a_refund_needs_the_paid_parties_to_still_hold_the_coins(blog: Microblog) -> None:
    product = merchant_product(blog, price_fen=1000)
    (buyer, friend) = people(blog, "ann", "bob")
    fund(blog, buyer.id, 1000)
    order = blog.orders.place(buyer.id, product.id, idempotency_key=key())
    blog.payments.gift(product.merchant_id, friend.id, order.merchant_fen, idempotency_key=key())
    with pytest.raises(Conflict, match=f"wallet of account {product.merchant_id}"):
        blog.orders.refund(product.merchant_id, order.id, idempotency_key=key())
    assert blog.orders.get(product.merchant_id, order.id).status is OrderStatus.PAID
    assert blog.payments.balance(buyer.id) == 0 and blog.ledger.audit().balanced


def test_orders_are_seen_by_their_buyer_and_merchant_only(blog: Microblog) -> None:
    product = merchant_product(blog)
    (buyer, other) = people(blog, "ann", "bob")
    fund(blog, buyer.id, 10_000)
    order = blog.orders.place(buyer.id, product.id, idempotency_key=key())
    assert blog.orders.get(product.merchant_id, order.id) == order
    with pytest.raises(Forbidden):
        blog.orders.get(other.id, order.id)
    assert blog.orders.of_buyer(buyer.id).items == [order]
    assert blog.orders.of_shop(product.merchant_id, product.shop_id).items == [order]
    with pytest.raises(Forbidden):
        blog.orders.of_shop(buyer.id, product.shop_id)


def test_an_order_retried_with_its_key_is_placed_once(blog: Microblog) -> None:
    product = merchant_product(blog, price_fen=500, stock=10)
    (buyer,) = people(blog, "ann")
    fund(blog, buyer.id, 10_000)
    order_key = key()
    orders = [
        blog.orders.place(buyer.id, product.id, 2, idempotency_key=order_key) for _ in range(3)
    ]
    assert orders[0] == orders[1] == orders[2]
    assert blog.shops.product(product.id).stock == 8
    assert blog.payments.balance(buyer.id) == 9000
    assert len(blog.orders.of_buyer(buyer.id).items) == 1
