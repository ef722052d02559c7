"""Paid membership: joining pays the first month, renewal charges the wallet at each
period's end or lapses it (never an overdraft), cancelling ends it without a charge, and a
member gets the benefits."""

import pytest

from microblog.errors import Conflict, InsufficientFunds, Invalid
from microblog.membership_models import MembershipStatus
from microblog.money_models import LedgerKind
from microblog.platform import Microblog
from tests.microblog.conftest import MakeBlog, people
from tests.microblog.images import image_bytes
from tests.microblog.money_helpers import fund, key, ledger_balance

MONTH_S = 100.0
FEE_FEN = 1000


class Calendar:
    """A clock the test moves: memberships renew when it passes a period's end."""

    def __init__(self) -> None:
        self.now = 1.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def calendar() -> Calendar:
    return Calendar()


@pytest.fixture
def blog(make_blog: MakeBlog, calendar: Calendar) -> Microblog:
    made = make_blog(memberships={"price_fen": FEE_FEN, "period_s": MONTH_S})
    made.ctx.clock = calendar
    return made


def test_a_member_with_15_coins_and_a_10_coin_fee_renews_once_then_lapses(
    blog: Microblog, calendar: Calendar
) -> None:
    """Acceptance 2: joining leaves the member 15 coins; the first renewal takes 10, the
    second finds 5 and lapses the membership, charging nothing; the books balance."""
    (ann,) = people(blog, "ann")
    fund(blog, ann.id, 2500)
    joined = blog.memberships.join(ann.id, idempotency_key=key())
    assert blog.ledger.balance(ann.id) == 1500
    calendar.now = joined.period_end
    first = blog.memberships.renew_due()
    assert (first.renewed, first.lapsed, first.charged_fen) == (1, 0, FEE_FEN)
    assert blog.memberships.get(ann.id).period_end == joined.period_end + MONTH_S
    assert blog.memberships.is_member(ann.id)
    calendar.now += MONTH_S
    second = blog.memberships.renew_due()
    assert (second.renewed, second.lapsed, second.charged_fen) == (0, 1, 0)
    assert (first.lapsed_accounts, second.lapsed_accounts) == ((), (ann.id,))
    lapsed = blog.memberships.get(ann.id)
    assert (lapsed.status, lapsed.renewals) == (MembershipStatus.LAPSED, 1)
    assert not blog.memberships.is_member(ann.id)
    assert blog.ledger.balance(ann.id) == 500
    assert ledger_balance(blog, LedgerKind.PLATFORM) == 2 * FEE_FEN
    assert blog.memberships.renew_due().lapsed == 0, "a lapsed membership is never retried"
    audit = blog.ledger.audit()
    assert audit.balanced, audit.problems


def test_joining_needs_the_fee_and_is_once_per_period(blog: Microblog) -> None:
    ann, bob = people(blog, "ann", "bob")
    with pytest.raises(InsufficientFunds, match="short by 10.00 coins"):
        blog.memberships.join(ann.id, idempotency_key=key())
    fund(blog, bob.id, 3 * FEE_FEN)
    retried = key()
    first = blog.memberships.join(bob.id, idempotency_key=retried)
    assert blog.memberships.join(bob.id, idempotency_key=retried) == first
    with pytest.raises(Conflict, match="already a member"):
        blog.memberships.join(bob.id, idempotency_key=key())
    assert blog.ledger.balance(bob.id) == 2 * FEE_FEN


def test_cancelled_membership_keeps_benefits_to_period_end_then_ends_unpaid(
    blog: Microblog, calendar: Calendar
) -> None:
    (ann,) = people(blog, "ann")
    fund(blog, ann.id, 5 * FEE_FEN)
    joined = blog.memberships.join(ann.id, idempotency_key=key())
    assert blog.memberships.cancel(ann.id).status is MembershipStatus.CANCELLED
    with pytest.raises(Conflict, match="cancelled membership"):
        blog.memberships.cancel(ann.id)
    assert blog.memberships.is_member(ann.id)
    calendar.now = joined.period_end
    assert not blog.memberships.is_member(ann.id)
    assert blog.memberships.renew_due().ended == 1
    assert blog.memberships.get(ann.id).status is MembershipStatus.ENDED
    assert blog.ledger.balance(ann.id) == 4 * FEE_FEN
    rejoined = blog.memberships.join(ann.id, idempotency_key=key())
    assert (rejoined.status, rejoined.renewals) == (MembershipStatus.ACTIVE, 0)


def test_a_member_may_attach_more_photos_than_others(blog: Microblog) -> None:
    """A membership benefit the service enforces: `member_photos_per_post`, not nine."""
    (ann,) = people(blog, "ann")
    album = blog.albums.create(ann.id, "trip")
    small = image_bytes(size=(32, 32))
    photo_ids = tuple(blog.albums.upload(ann.id, album.id, small).id for _ in range(10))
    with pytest.raises(Invalid, match="9"):
        blog.posts.create(ann.id, "ten photos", photo_ids=photo_ids)
    fund(blog, ann.id, FEE_FEN)
    blog.memberships.join(ann.id, idempotency_key=key())
    assert blog.posts.create(ann.id, "ten photos", photo_ids=photo_ids).photo_ids == photo_ids
