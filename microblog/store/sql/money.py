"""SQL repositories of the ledger, idempotency keys and top-ups.

Debits are conditional updates (`... WHERE id = :id AND balance_fen >= :x`), rows that
guard money are locked in id order before they are checked, and an idempotency key is
claimed before it is looked up (see `microblog.store.sql.locks`), so the books stay right
under concurrent writers on PostgreSQL as well as under SQLite's serialised write blocks.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, CursorResult, bindparam, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from microblog.errors import Busy, Conflict
from microblog.money_models import (
    MAY_RUN_NEGATIVE,
    IdempotencyRecord,
    LedgerAccount,
    LedgerKind,
    TopUp,
    TopUpChannel,
    TopUpStatus,
    Transfer,
    TransferKind,
)
from microblog.store.sql import money_schema as m
from microblog.store.sql.locks import ROW_LOCK, claim
from microblog.store.sql.prepared import Prepared, driver_error
from microblog.work import record

L, J = m.ledger_accounts, m.ledger_transfers
_JOURNAL_COLUMNS = ("debit_id", "credit_id", "amount_fen", "kind", "ref_id", "created_at")
_KEY_COLUMNS = ("account_id", "idem_key", "fingerprint", "response", "created_at")

# The hot path's statements are built once (building SQLAlchemy expressions per call costs
# more than SQLite takes to run them), and those of every posting are `Prepared`.
_FIND = Prepared(select(L).where(L.c.kind == bindparam("kind"), L.c.owner_id == bindparam("owner")))
_LOCK = (
    select(L)
    .where(L.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(L.c.id)
    .with_for_update(**ROW_LOCK)
)
_LOCK_NOW = _LOCK.with_for_update(nowait=True, **ROW_LOCK)
_LOCK_PAIR = Prepared(
    select(L)
    .where(L.c.id.in_([bindparam("first"), bindparam("second")]))
    .order_by(L.c.id)
    .with_for_update(**ROW_LOCK)
)
"""`_LOCK` for a posting between two accounts (most are: a payer and a payee), prepared,
as a prepared statement takes no list; one account is passed twice."""
_LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's lock_not_available
_DEBIT = Prepared(
    update(L)
    .where(
        L.c.id == bindparam("account"),
        or_(L.c.may_run_negative.is_(True), L.c.balance_fen >= bindparam("amount")),
    )
    .values(balance_fen=L.c.balance_fen - bindparam("amount"))
)
_CREDIT = Prepared(
    update(L)
    .where(L.c.id == bindparam("account"))
    .values(balance_fen=L.c.balance_fen + bindparam("amount"))
)
_JOURNAL = Prepared(
    insert(J).values({name: bindparam(name) for name in _JOURNAL_COLUMNS}).returning(J.c.id)
)
_KEY = Prepared(
    select(m.idempotency_keys).where(
        m.idempotency_keys.c.account_id == bindparam("account"),
        m.idempotency_keys.c.idem_key == bindparam("key"),
    )
)
_PUT_KEY = Prepared(
    insert(m.idempotency_keys).values({name: bindparam(name) for name in _KEY_COLUMNS})
)


def new_id(result: CursorResult[Any]) -> int:
    """The primary key an INSERT just assigned."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _ledger_account(row: Any) -> LedgerAccount:
    return LedgerAccount(row.id, LedgerKind(row.kind), row.owner_id, row.balance_fen)


def _transfer(row: Any) -> Transfer:
    return Transfer(
        row.id,
        row.debit_id,
        row.credit_id,
        row.amount_fen,
        TransferKind(row.kind),
        row.ref_id,
        row.created_at,
    )


class SqlLedger:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def find(self, kind: LedgerKind, owner_id: int) -> LedgerAccount | None:
        row = _FIND.first(self.conn, kind=kind.value, owner=owner_id)
        record(db_reads=1 if row else 0)
        return _ledger_account(row) if row else None

    def open(self, kind: LedgerKind, owner_id: int) -> LedgerAccount:
        found = self.find(kind, owner_id)
        if found is not None:
            return found
        values = dict(
            kind=kind.value,
            owner_id=owner_id,
            balance_fen=0,
            may_run_negative=kind in MAY_RUN_NEGATIVE,
        )
        try:
            with self.conn.begin_nested():
                ledger_id = new_id(self.conn.execute(insert(L).values(values)))
        except IntegrityError:  # a concurrent writer opened it first (PostgreSQL)
            opened = self.find(kind, owner_id)
            assert opened is not None
            return opened
        record(db_writes=1)
        return LedgerAccount(ledger_id, kind, owner_id)

    def lock(self, ids: list[int], *, wait: bool = True) -> dict[int, LedgerAccount]:
        distinct = sorted(set(ids))
        # SQLite lets one writer in at a time, so no row is ever held by another: not
        # waiting is waiting (and needs no savepoint for a refusal that cannot come)
        wait = wait or self.conn.dialect.name == "sqlite"
        if not distinct:
            rows = []
        elif wait and len(distinct) <= 2:
            rows = _LOCK_PAIR.rows(self.conn, first=distinct[0], second=distinct[-1])
        elif wait:
            rows = list(self.conn.execute(_LOCK, {"ids": distinct}).all())
        else:
            rows = self._lock_now({"ids": distinct})
        found = {row.id: _ledger_account(row) for row in rows}
        record(db_reads=len(found))
        return found

    def _lock_now(self, values: dict[str, Any]) -> list[Any]:
        """Lock without waiting, in a savepoint, so a refusal leaves the transaction usable."""
        try:
            with self.conn.begin_nested():
                return list(self.conn.execute(_LOCK_NOW, values).all())
        except OperationalError as error:
            if getattr(error.orig, "sqlstate", None) != _LOCK_NOT_AVAILABLE:
                raise
            raise Busy(f"ledger accounts {values['ids']} are locked by another writer") from None

    def transfer(
        self,
        debit_id: int,
        credit_id: int,
        amount_fen: int,
        kind: TransferKind,
        ref_id: int | None,
        created_at: float,
    ) -> Transfer | None:
        if _DEBIT.run(self.conn, account=debit_id, amount=amount_fen) != 1:
            return None
        _CREDIT.run(self.conn, account=credit_id, amount=amount_fen)
        transfer_id = _JOURNAL.inserted_id(
            self.conn, debit_id=debit_id, credit_id=credit_id, amount_fen=amount_fen,
            kind=kind.value, ref_id=ref_id, created_at=created_at,
        )  # fmt: skip
        record(db_writes=3)
        return Transfer(transfer_id, debit_id, credit_id, amount_fen, kind, ref_id, created_at)

    def statement(self, ledger_id: int, before: int | None, limit: int) -> list[Transfer]:
        query = select(J).where(or_(J.c.debit_id == ledger_id, J.c.credit_id == ledger_id))
        if before is not None:
            query = query.where(J.c.id < before)
        rows = self.conn.execute(query.order_by(J.c.id.desc()).limit(limit))
        found = [_transfer(row) for row in rows]
        record(db_reads=len(found))
        return found

    def accounts(self) -> list[LedgerAccount]:
        found = [_ledger_account(row) for row in self.conn.execute(select(L))]
        record(db_reads=len(found))
        return found

    def journal_balances(self) -> dict[int, int]:
        balances: dict[int, int] = {}
        scanned = 0
        for side, sign in ((J.c.credit_id, 1), (J.c.debit_id, -1)):
            query = select(side, func.sum(J.c.amount_fen), func.count()).group_by(side)
            for ledger_id, total, count in self.conn.execute(query):
                balances[ledger_id] = balances.get(ledger_id, 0) + sign * int(total)
                scanned += count
        record(db_reads=scanned // 2)
        return balances

    def kind_totals(self) -> dict[TransferKind, int]:
        query = select(J.c.kind, func.sum(J.c.amount_fen), func.count()).group_by(J.c.kind)
        rows = self.conn.execute(query).all()
        record(db_reads=sum(count for _, _, count in rows))
        return {TransferKind(kind): int(total) for kind, total, _ in rows}

    def transfer_count(self) -> int:
        return self.conn.scalar(select(func.count()).select_from(J)) or 0


class SqlIdempotency:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, account_id: int, key: str) -> IdempotencyRecord | None:
        # Concurrent retries of one request queue here, so the second sees the first's
        # result (and replays it) instead of paying again or failing on the key's insert.
        claim(self.conn, ("idempotency", account_id, key))
        row = _KEY.first(self.conn, account=account_id, key=key)
        record(db_reads=1 if row else 0)
        if row is None:
            return None
        return IdempotencyRecord(
            row.account_id, row.idem_key, row.fingerprint, dict(row.response), row.created_at
        )

    def put(self, entry: IdempotencyRecord) -> None:
        try:  # a duplicate fails the whole transaction, which is what we want
            _PUT_KEY.run(
                self.conn, account_id=entry.account_id, idem_key=entry.key,
                fingerprint=entry.fingerprint, response=entry.response,
                created_at=entry.created_at,
            )  # fmt: skip
        except driver_error(self.conn, "IntegrityError"):
            raise Conflict(
                f"another request with Idempotency-Key {entry.key!r} is in flight"
            ) from None
        record(db_writes=1)


def _topup(row: Any) -> TopUp:
    return TopUp(
        row.id,
        row.account_id,
        row.amount_fen,
        TopUpChannel(row.channel),
        TopUpStatus(row.status),
        row.created_at,
        row.settled_at,
    )


class SqlTopUps:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def create(
        self, account_id: int, amount_fen: int, channel: TopUpChannel, created_at: float
    ) -> TopUp:
        values = dict(
            account_id=account_id,
            amount_fen=amount_fen,
            channel=channel.value,
            status=TopUpStatus.PENDING.value,
            created_at=created_at,
        )
        topup_id = new_id(self.conn.execute(insert(m.topups), values))
        record(db_writes=1)
        return TopUp(topup_id, account_id, amount_fen, channel, TopUpStatus.PENDING, created_at)

    def get(self, topup_id: int, *, lock: bool = False) -> TopUp | None:
        query = select(m.topups).where(m.topups.c.id == topup_id)
        row = self.conn.execute(query.with_for_update(**ROW_LOCK) if lock else query).first()
        record(db_reads=1 if row else 0)
        return _topup(row) if row else None

    def settle(self, topup_id: int, status: TopUpStatus, settled_at: float) -> bool:
        c = m.topups.c
        settled = self.conn.execute(
            update(m.topups)
            .where(c.id == topup_id, c.status == TopUpStatus.PENDING.value)
            .values(status=status.value, settled_at=settled_at)
        ).rowcount
        record(db_writes=settled)
        return settled == 1

    def confirmed_total(self) -> int:
        c = m.topups.c
        query = select(func.coalesce(func.sum(c.amount_fen), 0), func.count()).where(
            c.status == TopUpStatus.CONFIRMED.value
        )
        total, count = self.conn.execute(query).one()
        record(db_reads=count)
        return int(total)
