"""The ledger: amounts, shortfalls, exact splits, statements and an audit that balances."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from microblog.config import PlatformConfig
from microblog.errors import Conflict, Invalid
from microblog.money_config import MoneyConfig
from microblog.money_models import LedgerAccount, LedgerKind, TransferKind
from microblog.platform import Microblog
from microblog.services.orders import split_sale
from microblog.store import open_store
from microblog.store.sql.money import SqlLedger
from microblog.store.sql.money_schema import ledger_accounts
from tests.microblog.conftest import CHEAP_HASHING, MakeBlog, people
from tests.microblog.money_helpers import ExpectedBooks, fund, key


def test_amounts_must_be_whole_fen_from_one_to_the_limit(blog: Microblog) -> None:
    a, b = people(blog, "ann", "bob")
    fund(blog, a.id, 10_000)
    limit = blog.config.money.max_amount_fen
    for bad in (0, -5, 1.5, True, "5", limit + 1, 10**30):
        with pytest.raises(Invalid) as raised:
            blog.payments.gift(a.id, b.id, bad, idempotency_key=key())  # type: ignore[arg-type]
        assert raised.value.field == "amount_fen"
    assert blog.payments.balance(a.id) == 10_000


def test_an_overdraft_is_refused_naming_the_shortfall_and_moves_nothing(blog: Microblog) -> None:
    a, b = people(blog, "ann", "bob")
    fund(blog, a.id, 300)
    with pytest.raises(Conflict) as raised:
        blog.payments.gift(a.id, b.id, 500, idempotency_key=key())
    assert "holds 3.00 coins" in raised.value.message
    assert "short by 2.00 coins" in raised.value.message
    assert (blog.payments.balance(a.id), blog.payments.balance(b.id)) == (300, 0)
    assert blog.ledger.audit().transfers == 1


def test_every_account_has_an_empty_wallet_before_its_first_movement(blog: Microblog) -> None:
    (a,) = people(blog, "ann")
    assert blog.payments.balance(a.id) == 0
    assert blog.payments.statement(a.id).items == []


@given(
    amount=st.integers(1, 10**9),
    commission=st.floats(0, 0.5),
    referral=st.floats(0, 0.5),
    referred=st.booleans(),
)
def test_a_sale_splits_into_parts_that_sum_to_the_fen(
    amount: int, commission: float, referral: float, referred: bool
) -> None:
    config = MoneyConfig(commerce_commission=commission, influencer_commission=referral)
    parts = split_sale(amount, config, referred)
    assert sum(parts) == amount and min(parts) >= 0
    assert parts[2] == 0 or referred


def test_the_statement_lists_movements_signed_from_the_wallet_newest_first(
    blog: Microblog,
) -> None:
    a, b = people(blog, "ann", "bob")
    fund(blog, a.id, 1000)
    blog.payments.gift(a.id, b.id, 250, idempotency_key=key())
    blog.payments.gift(b.id, a.id, 50, idempotency_key=key())
    page = blog.payments.statement(a.id, limit=2)
    assert [(line.kind, line.amount_fen) for line in page.items] == [
        (TransferKind.GIFT, 50),
        (TransferKind.GIFT, -250),
    ]
    rest = blog.payments.statement(a.id, page.next_cursor)
    assert [(line.kind, line.amount_fen) for line in rest.items] == [(TransferKind.SEED, 1000)]


def test_the_audit_balances_to_the_fen(blog: Microblog) -> None:
    a, b = people(blog, "ann", "bob")
    fund(blog, a.id, 1000)
    blog.payments.gift(a.id, b.id, 333, idempotency_key=key())
    blog.payments.withdraw(b.id, 33, idempotency_key=key())
    audit = blog.ledger.audit()
    assert audit.balanced and audit.problems == []
    assert (audit.total_fen, audit.issued_fen, audit.redeemed_fen) == (0, 1000, 33)
    assert audit.circulating_fen == 967


def test_the_audit_names_a_balance_that_disagrees_with_its_journal(
    make_blog: MakeBlog, backend: str
) -> None:
    blog = make_blog()
    (a,) = people(blog, "ann")
    fund(blog, a.id, 1000)
    with blog.store.write() as tx:
        wallet = tx.ledger.open(LedgerKind.WALLET, a.id)
        if backend == "memory":
            blog.store.data.money.ledger[wallet.id].balance_fen += 1  # type: ignore[attr-defined]
        else:
            column = ledger_accounts.c.balance_fen
            tx.conn.execute(  # type: ignore[attr-defined]
                update(ledger_accounts)
                .where(ledger_accounts.c.id == wallet.id)
                .values(balance_fen=column + 1)
            )
    audit = blog.ledger.audit()
    assert not audit.balanced
    assert any(f"wallet {a.id}) holds 1001 fen but its journal sums to 1000" in p
               for p in audit.problems)  # fmt: skip
    assert any("sum to 1 fen, not 0" in p for p in audit.problems)


OPS = st.tuples(
    st.sampled_from(["gift", "withdraw", "buy"]),
    st.integers(0, 3),
    st.integers(0, 3),
    st.integers(1, 4000),
)


@settings(max_examples=30, deadline=None)
@given(ops=st.lists(OPS, max_size=25))
def test_any_sequence_of_payments_keeps_the_books(ops: list[tuple[str, int, int, int]]) -> None:
    """Whatever succeeds or is refused, balances equal the sum of what succeeded."""
    blog = Microblog(open_store("memory"), PlatformConfig.model_validate(CHEAP_HASHING))
    users = people(blog, "ann", "bob", "cat", "dan")
    books = ExpectedBooks()
    for user in users:
        fund(blog, user.id, 5000)
        books.wallets[user.id] = 5000
    items = blog.games.catalogue()[0].items
    payments = blog.payments
    for op, a, b, amount in ops:
        payer, other = users[a].id, users[b].id
        try:
            if op == "gift" and payer != other:
                books.apply(payments.gift(payer, other, amount, idempotency_key=key()))
            elif op == "withdraw":
                books.apply(payments.withdraw(payer, amount, idempotency_key=key()))
            elif op == "buy":
                item = items[b % len(items)]
                books.apply(blog.games.buy(payer, item.id, 1 + amount % 3, idempotency_key=key()))
        except Conflict:
            pass
    assert blog.ledger.audit().balanced
    books.assert_matches(blog)


@pytest.mark.parametrize("snapshot", [True, False], ids=["snapshot", "read-committed"])
def test_the_audit_reads_one_snapshot_while_gifts_commit(
    make_blog: MakeBlog, backend: str, monkeypatch: pytest.MonkeyPatch, snapshot: bool
) -> None:
    """A gift that commits between the audit's statements (after it read the balances,
    before it sums the journal) is invisible to the whole audit, so the books balance.
    The negative control reads PostgreSQL at READ COMMITTED: each statement sees that
    commit, and the audit finds a wallet a fen off its journal."""
    if not backend.startswith("postgres") and not (snapshot and backend.startswith("sqlite")):
        pytest.skip("the memory store's audit holds its one lock; SQLite reads are snapshots")
    blog = make_blog()
    alice, bob = people(blog, "alice", "bob")
    fund(blog, alice.id, 100)
    read_balances = SqlLedger.accounts
    gifts = []

    def balances_then_a_gift(self: SqlLedger) -> list[LedgerAccount]:
        balances = read_balances(self)
        if not gifts:
            gifts.append(blog.payments.gift(alice.id, bob.id, 1, idempotency_key=key()))
        return balances

    monkeypatch.setattr(SqlLedger, "accounts", balances_then_a_gift)
    if not snapshot:
        monkeypatch.setattr(type(blog.store), "snapshot", type(blog.store).read)
    audit = blog.ledger.audit()
    assert gifts, "the gift committed during the audit"
    assert audit.balanced is snapshot, audit.problems
    assert blog.ledger.audit().balanced
