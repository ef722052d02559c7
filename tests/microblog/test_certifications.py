"""Certification: an account cannot certify itself; an operator approves or rejects, and
the decision is kept with who made it."""

import pytest

from microblog.certification_models import CertificationKind, CertificationStatus
from microblog.errors import Conflict, Forbidden, Invalid
from microblog.models import Role, Tier
from microblog.platform import Microblog
from tests.microblog.conftest import people
from tests.microblog.money_helpers import merchant_product


def test_registering_as_a_merchant_applies_and_opens_no_shop(blog: Microblog) -> None:
    grocer = blog.accounts.register("grocer", "pw", Role.MERCHANT)
    assert not grocer.verified
    (application,) = blog.certifications.of_account(grocer.id)
    assert (application.kind, application.status) == (
        CertificationKind.MERCHANT,
        CertificationStatus.PENDING,
    )
    with pytest.raises(Forbidden, match="once an operator approves"):
        blog.shops.open(grocer.id, "Tea House")


def test_approval_certifies_and_opens_the_shop(blog: Microblog) -> None:
    grocer = blog.accounts.register("grocer", "pw", Role.MERCHANT)
    (application,) = blog.certifications.of_account(grocer.id)
    decided = blog.certifications.approve(application.id, "ops-li", "licence checked")
    assert decided.status is CertificationStatus.APPROVED
    assert (decided.decided_by, decided.note) == ("ops-li", "licence checked")
    assert decided.decided_at is not None and decided.decided_at > application.applied_at
    assert blog.accounts.get(grocer.id).verified
    assert blog.shops.open(grocer.id, "Tea House").owner_id == grocer.id


def test_rejection_leaves_the_account_unverified_and_it_may_apply_again(blog: Microblog) -> None:
    star = blog.accounts.register("star", "pw", Role.INFLUENCER, Tier.BIG_V)
    (application,) = blog.certifications.of_account(star.id)
    assert application.kind is CertificationKind.BIG_V
    blog.certifications.reject(application.id, "ops-li", "no identity proof")
    assert not blog.accounts.get(star.id).verified
    again = blog.certifications.apply(star.id, CertificationKind.MEDIUM_V)
    assert [c.id for c in blog.certifications.of_account(star.id)] == [again.id, application.id]
    blog.certifications.approve(again.id, "ops-wu")
    certified = blog.accounts.get(star.id)
    assert (certified.verified, certified.tier) == (True, Tier.MEDIUM_V)


def test_a_user_applying_becomes_a_merchant_only_on_approval(blog: Microblog) -> None:
    (ann,) = people(blog, "ann")
    application = blog.certifications.apply(ann.id, CertificationKind.MERCHANT)
    assert blog.accounts.get(ann.id).role is Role.USER
    with pytest.raises(Conflict, match="pending"):
        blog.certifications.apply(ann.id, CertificationKind.BIG_V)
    blog.certifications.approve(application.id, "ops-li")
    assert blog.accounts.get(ann.id).role is Role.MERCHANT
    with pytest.raises(Conflict, match="already certified"):
        blog.certifications.apply(ann.id, CertificationKind.MERCHANT)


def test_a_decision_is_made_once(blog: Microblog) -> None:
    grocer = blog.accounts.register("grocer", "pw", Role.MERCHANT)
    (application,) = blog.certifications.of_account(grocer.id)
    blog.certifications.reject(application.id, "ops-li")
    with pytest.raises(Conflict, match="already rejected"):
        blog.certifications.approve(application.id, "ops-wu")
    assert not blog.accounts.get(grocer.id).verified


def test_a_decision_names_its_operator(blog: Microblog) -> None:
    grocer = blog.accounts.register("grocer", "pw", Role.MERCHANT)
    (application,) = blog.certifications.of_account(grocer.id)
    with pytest.raises(Invalid) as raised:
        blog.certifications.approve(application.id, "  ")
    assert raised.value.field == "operator"


def test_the_queue_lists_pending_applications_newest_first(blog: Microblog) -> None:
    ids = [blog.accounts.register(f"shop{i}", "pw", Role.MERCHANT).id for i in range(3)]
    first = blog.certifications.of_account(ids[0])[0]
    blog.certifications.approve(first.id, "ops-li")
    page = blog.certifications.listed(CertificationStatus.PENDING, None, 1)
    rest = blog.certifications.listed(CertificationStatus.PENDING, page.next_cursor, 1)
    assert [c.account_id for c in page.items + rest.items] == [ids[2], ids[1]]
    (approved,) = blog.certifications.listed(CertificationStatus.APPROVED, None, 10).items
    assert approved.account_id == ids[0]


def test_an_unverified_influencer_earns_no_referral(blog: Microblog) -> None:
    product = merchant_product(blog)
    star = blog.accounts.register("star", "pw", Role.INFLUENCER, Tier.BIG_V)
    with pytest.raises(Forbidden, match="once an operator approves"):
        blog.shops.post_product(star.id, product.id, "buy this")
