"""Shops: certified merchants only, owners only, and product posts with referrals."""

import pytest

from microblog.errors import Conflict, Forbidden, Invalid
from microblog.models import Role
from microblog.platform import Microblog
from microblog.services.accounts import NewAccount
from microblog.services.shops import NewShop
from tests.microblog.conftest import people
from tests.microblog.money_helpers import influencer, merchant_product


def test_only_certified_merchants_open_a_shop_and_only_one(blog: Microblog) -> None:
    (user,) = people(blog, "ann")
    ((merchant, _),) = blog.accounts.register_many([NewAccount("grocer", Role.MERCHANT)])
    with pytest.raises(Forbidden, match="only certified merchants"):
        blog.shops.open(user.id, "stall")
    shop = blog.shops.open(merchant.id, "Tea House")
    assert blog.shops.get(shop.id) == shop and merchant.verified
    with pytest.raises(Conflict):
        blog.shops.open(merchant.id, "Second House")


def test_products_are_listed_newest_first_with_price_and_stock(blog: Microblog) -> None:
    product = merchant_product(blog, price_fen=2999, stock=4)
    shop = blog.shops.get(product.shop_id)
    newer = blog.shops.add_product(shop.owner_id, shop.id, "oolong", 4999, 0)
    page = blog.shops.products(shop.id, limit=1)
    rest = blog.shops.products(shop.id, page.next_cursor, limit=1)
    assert [p.id for p in page.items + rest.items] == [newer.id, product.id]
    assert (product.price_fen, product.stock, newer.stock) == (2999, 4, 0)


def test_only_the_owner_changes_a_shop_or_its_products(blog: Microblog) -> None:
    product = merchant_product(blog, "grocer")
    rival = merchant_product(blog, "rival")
    with pytest.raises(Forbidden):
        blog.shops.add_product(rival.merchant_id, product.shop_id, "fake", 100, 1)
    with pytest.raises(Forbidden):
        blog.shops.update_product(rival.merchant_id, product.id, price_fen=1)
    changed = blog.shops.update_product(
        product.merchant_id, product.id, price_fen=1500, add_stock=5
    )
    assert (changed.price_fen, changed.stock) == (1500, 15)
    assert blog.shops.product(product.id) == changed


def test_prices_and_stock_are_whole_numbers_in_range(blog: Microblog) -> None:
    product = merchant_product(blog)
    owner, shop_id = product.merchant_id, product.shop_id
    for price, stock, field in [(0, 1, "price_fen"), (1.5, 1, "price_fen"), (100, -1, "stock"),
                                (100, 10**9, "stock"), (10**12, 1, "price_fen")]:  # fmt: skip
        with pytest.raises(Invalid) as raised:
            blog.shops.add_product(owner, shop_id, "x", price, stock)  # type: ignore[arg-type]
        assert raised.value.field == field
    with pytest.raises(Invalid) as raised:
        blog.shops.update_product(owner, product.id, add_stock=-3)
    assert raised.value.field == "add_stock"


def test_a_merchant_post_sells_the_product_and_an_influencer_post_refers_it(
    blog: Microblog,
) -> None:
    product = merchant_product(blog)
    star = influencer(blog)
    own, own_link = blog.shops.post_product(product.merchant_id, product.id, "fresh tea")
    promo, promo_link = blog.shops.post_product(star.id, product.id, "I love this tea")
    assert (own_link.product_id, own_link.influencer_id) == (product.id, None)
    assert (promo_link.product_id, promo_link.influencer_id) == (product.id, star.id)
    assert blog.shops.post_link(promo.id) == promo_link
    assert blog.posts.get(star.id, own.id).text == "fresh tea"


def test_ordinary_users_cannot_post_someone_elses_product(blog: Microblog) -> None:
    product = merchant_product(blog)
    (user,) = people(blog, "ann")
    with pytest.raises(Forbidden):
        blog.shops.post_product(user.id, product.id, "buy it")
    assert blog.posts.by_author(user.id).items == []


def test_seeding_opens_shops_with_products_for_merchants_only(blog: Microblog) -> None:
    (user,) = people(blog, "ann")
    with pytest.raises(Forbidden):
        blog.shops.seed([NewShop(user.id, "stall")])
    product = merchant_product(blog)
    assert blog.shops.product(product.id).name == "green tea"
