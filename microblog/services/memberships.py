"""Paid memberships: join with micro-coins, renew from the wallet at each period's end,
cancel; the service enforces what a member gets.

Joining charges the first period through the ledger (wallet -> the platform's revenue
account) with an idempotency key, like every payment. Renewal is a run over the
memberships due (`renew_due`): the simulator calls it from its clock, the server's
operator from cron (`POST /admin/memberships/renewals`). Each due membership is settled in
its own transaction: an active one is charged one more period, or lapses when its wallet
is short (`Ledger.check` refuses before any coin moves, so never an overdraft); a
cancelled one ends. A conditional update keeps two runs at once from charging twice.

Benefits: a badge on the account's public view, and more photos per post
(`memberships.member_photos_per_post`).
"""

from __future__ import annotations

from dataclasses import replace

from microblog.errors import Conflict, InsufficientFunds, NotFound
from microblog.membership_models import (
    Membership,
    MembershipStatus,
    RenewalOutcome,
    Renewals,
)
from microblog.money_models import LedgerKind, TransferKind
from microblog.services.context import Context
from microblog.services.idempotency import Idempotency
from microblog.services.ledger import Ledger, Leg
from microblog.store.base import Tx


class Memberships:
    def __init__(self, ctx: Context, ledger: Ledger) -> None:
        self.ctx = ctx
        self.ledger = ledger
        self.keys = Idempotency(ctx)

    def join(self, account_id: int, *, idempotency_key: str) -> Membership:
        """Pay the first period and become a member; a retry with the key replays it."""
        request: dict[str, object] = {"op": "membership_join"}
        return self.keys.once(
            account_id, idempotency_key, request, Membership, lambda tx: self._join(tx, account_id)
        )

    def get(self, account_id: int) -> Membership:
        with self.ctx.store.read() as tx:
            found = tx.memberships.get(account_id)
        if found is None:
            raise NotFound(f"account {account_id} has never been a member")
        return found

    def is_member(self, account_id: int) -> bool:
        """Whether the account has a member's benefits now (its badge)."""
        with self.ctx.store.read() as tx:
            return has_benefits(tx, account_id, self.ctx.clock())

    def cancel(self, account_id: int) -> Membership:
        """Stop auto-renewal; the benefits last until the paid period ends."""
        with self.ctx.store.write() as tx:
            found = tx.memberships.get(account_id)
            if found is None or found.status is not MembershipStatus.ACTIVE:
                state = "no membership" if found is None else f"a {found.status.value} membership"
                raise Conflict(f"account {account_id} has {state}, nothing to cancel")
            cancelled = replace(found, status=MembershipStatus.CANCELLED)
            if not tx.memberships.update(found, cancelled):
                raise Conflict(f"account {account_id}'s membership was renewed meanwhile; retry")
        return cancelled

    def renew_due(self) -> Renewals:
        """Settle up to `renewal_batch` memberships whose period has ended by now."""
        now = self.ctx.clock()
        with self.ctx.store.read() as tx:
            due = tx.memberships.due(now, self.ctx.config.memberships.renewal_batch)
        outcomes = [self._settle(membership) for membership in due]
        charged = tuple(
            (m.account_id, m.price_fen)
            for m, outcome in zip(due, outcomes, strict=True)
            if outcome is RenewalOutcome.RENEWED
        )
        lapsed = tuple(
            m.account_id
            for m, outcome in zip(due, outcomes, strict=True)
            if outcome is RenewalOutcome.LAPSED
        )
        return Renewals(
            renewed=len(charged),
            lapsed=len(lapsed),
            ended=outcomes.count(RenewalOutcome.ENDED),
            charged_fen=sum(fen for _, fen in charged),
            charged=charged,
            lapsed_accounts=lapsed,
        )

    def _join(self, tx: Tx, account_id: int) -> Membership:
        price = self.ctx.config.memberships.price_fen
        legs = self._legs(tx, account_id, price)
        self.ledger.check(tx, legs)  # locks the wallet: one join per account at a time
        found = tx.memberships.get(account_id)
        if found is not None and found.status in (
            MembershipStatus.ACTIVE,
            MembershipStatus.CANCELLED,
        ):
            raise Conflict(f"account {account_id} is already a member until {found.period_end:.0f}")
        now = self.ctx.clock()
        joined = Membership(
            account_id, MembershipStatus.ACTIVE, now, now + self.ctx.config.memberships.period_s,
            price,
        )  # fmt: skip
        tx.memberships.put(joined)
        self.ledger.apply(tx, legs, account_id)
        return joined

    def _settle(self, due: Membership) -> RenewalOutcome | None:
        """One due membership, in its own transaction; None when another run settled it."""
        with self.ctx.store.write() as tx:
            if due.status is MembershipStatus.CANCELLED:
                ended = replace(due, status=MembershipStatus.ENDED)
                return RenewalOutcome.ENDED if tx.memberships.update(due, ended) else None
            legs = self._legs(tx, due.account_id, due.price_fen)
            try:
                self.ledger.check(tx, legs)
            except InsufficientFunds:
                lapsed = replace(due, status=MembershipStatus.LAPSED)
                return RenewalOutcome.LAPSED if tx.memberships.update(due, lapsed) else None
            renewed = replace(
                due,
                period_end=due.period_end + self.ctx.config.memberships.period_s,
                renewals=due.renewals + 1,
            )
            if not tx.memberships.update(due, renewed):
                return None
            self.ledger.apply(tx, legs, due.account_id)
        return RenewalOutcome.RENEWED

    def _legs(self, tx: Tx, account_id: int, price_fen: int) -> list[Leg]:
        platform = self.ledger.system(tx, LedgerKind.PLATFORM)
        wallet = self.ledger.wallet(tx, account_id)
        return [Leg(wallet, platform, price_fen, TransferKind.MEMBERSHIP)]


def has_benefits(tx: Tx, account_id: int, now: float) -> bool:
    found = tx.memberships.get(account_id)
    return found is not None and found.benefits(now)
