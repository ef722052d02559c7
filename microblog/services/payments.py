"""Wallets: balances, statements, top-ups through the gateway, gifts and withdrawals.

A top-up is recorded pending, charged at the gateway outside any transaction, then settled:
confirmed (the wallet is credited from the issuance account) or failed (nothing moves). A
charge the platform stopped waiting for stays pending until the gateway's late callback
settles it; settling is idempotent by state, so a callback delivered twice credits once.
"""

from __future__ import annotations

from dataclasses import replace

from microblog.errors import Conflict, Forbidden, Invalid, NotFound
from microblog.models import Page
from microblog.money_models import (
    Gift,
    LedgerKind,
    StatementLine,
    TopUp,
    TopUpChannel,
    TopUpStatus,
    TransferKind,
    Withdrawal,
)
from microblog.services.context import Context
from microblog.services.cursors import next_id_cursor, parse_id_cursor
from microblog.services.gateway import Gateway, GatewayReply
from microblog.services.idempotency import Idempotency
from microblog.services.ledger import Ledger, Leg, check_count, require_account_and_post
from microblog.store.base import Tx


class Payments:
    def __init__(self, ctx: Context, ledger: Ledger, gateway: Gateway) -> None:
        self.ctx = ctx
        self.ledger = ledger
        self.gateway = gateway
        self.keys = Idempotency(ctx)

    def balance(self, account_id: int) -> int:
        """Fen in the account's wallet."""
        return self.ledger.balance(account_id)

    def statement(
        self, account_id: int, cursor: str | None = None, limit: int = 20
    ) -> Page[StatementLine]:
        """The wallet's movements, newest first, signed from the wallet's side."""
        limit, before = self.ctx.page_limit(limit), parse_id_cursor(cursor)
        with self.ctx.store.read() as tx:
            wallet = tx.ledger.find(LedgerKind.WALLET, account_id)
            if wallet is None:
                return Page([], None)
            moves = tx.ledger.statement(wallet.id, before, limit)
        lines = [
            StatementLine(
                t.id,
                t.kind,
                t.amount_fen if t.credit_id == wallet.id else -t.amount_fen,
                t.ref_id,
                t.created_at,
            )
            for t in moves
        ]
        return Page(lines, next_id_cursor([t.id for t in moves], limit))

    def top_up(
        self, account_id: int, amount_fen: int, channel: TopUpChannel, *, idempotency_key: str
    ) -> TopUp:
        """Buy coins through a payment channel; a retry with the key returns the same
        top-up in its current state (so a retry after a late callback sees it confirmed)."""
        check_count(amount_fen, self.ctx.config.money.max_amount_fen, "amount_fen")
        self.keys.check_key(idempotency_key)
        request: dict[str, object] = {"op": "top_up", "amount_fen": amount_fen, "channel": channel}
        with self.ctx.store.write() as tx:
            replayed = self.keys.replay(tx, account_id, idempotency_key, request, TopUp)
            if replayed is not None:
                return self._topup(tx, replayed.id)
            topup = tx.topups.create(account_id, amount_fen, channel, self.ctx.clock())
            self.keys.remember(tx, account_id, idempotency_key, request, topup)
        reply = self.gateway.charge(topup.id, amount_fen, channel)
        if reply is GatewayReply.TIMED_OUT:
            return topup
        return self.settle(topup.id, confirmed=reply is GatewayReply.CONFIRMED)

    def topup(self, account_id: int, topup_id: int) -> TopUp:
        """One of the account's own top-ups (to poll a pending one)."""
        with self.ctx.store.read() as tx:
            topup = self._topup(tx, topup_id)
        if topup.account_id != account_id:
            raise Forbidden(f"top-up {topup_id} belongs to another account")
        return topup

    def settle(self, topup_id: int, *, confirmed: bool) -> TopUp:
        """Apply the gateway's answer once: pending -> confirmed (credit) or failed."""
        outcome = TopUpStatus.CONFIRMED if confirmed else TopUpStatus.FAILED
        with self.ctx.store.write() as tx:
            topup = self._topup(tx, topup_id, lock=True)
            if topup.status is outcome:
                return topup
            if topup.status is not TopUpStatus.PENDING:
                raise Conflict(
                    f"top-up {topup_id} is already {topup.status.value}; "
                    f"a {outcome.value} callback cannot change it"
                )
            if confirmed:
                self._issue(tx, topup.account_id, topup.amount_fen, TransferKind.TOPUP, topup.id)
            now = self.ctx.clock()
            tx.topups.settle(topup_id, outcome, now)
        return replace(topup, status=outcome, settled_at=now)

    def deliver_callbacks(self) -> list[TopUp]:
        """Apply the gateway's late callbacks that are due (the simulator calls this on a
        timer; the server through POST /admin/gateway/deliver)."""
        return [
            self.settle(c.topup_id, confirmed=c.confirmed) for c in self.gateway.due_callbacks()
        ]

    def gift(
        self,
        sender_id: int,
        recipient_id: int,
        amount_fen: int,
        *,
        post_id: int | None = None,
        idempotency_key: str,
    ) -> Gift:
        """Tip another user, optionally for one of their posts."""
        check_count(amount_fen, self.ctx.config.money.max_amount_fen, "amount_fen")
        if recipient_id == sender_id:
            raise Invalid("a gift needs a recipient other than the sender", field="recipient_id")
        request: dict[str, object] = {
            "op": "gift",
            "recipient_id": recipient_id,
            "amount_fen": amount_fen,
            "post_id": post_id,
        }

        def give(tx: Tx) -> Gift:
            require_account_and_post(tx, recipient_id, "recipient_id", post_id)
            leg = Leg(
                self.ledger.wallet(tx, sender_id),
                self.ledger.wallet(tx, recipient_id),
                amount_fen,
                TransferKind.GIFT,
            )
            (moved,) = self.ledger.post(tx, [leg], post_id)
            return Gift(moved.id, sender_id, recipient_id, amount_fen, post_id, moved.created_at)

        return self.keys.once(sender_id, idempotency_key, request, Gift, give)

    def withdraw(self, account_id: int, amount_fen: int, *, idempotency_key: str) -> Withdrawal:
        """Cash coins out of the wallet (they are redeemed: back to the issuance account)."""
        check_count(amount_fen, self.ctx.config.money.max_amount_fen, "amount_fen")
        request: dict[str, object] = {"op": "withdraw", "amount_fen": amount_fen}

        def redeem(tx: Tx) -> Withdrawal:
            leg = Leg(
                self.ledger.wallet(tx, account_id),
                self.ledger.system(tx, LedgerKind.ISSUANCE),
                amount_fen,
                TransferKind.WITHDRAWAL,
            )
            (moved,) = self.ledger.post(tx, [leg], None)
            return Withdrawal(moved.id, account_id, amount_fen, moved.created_at)

        return self.keys.once(account_id, idempotency_key, request, Withdrawal, redeem)

    def seed_credits(self, credits: list[tuple[int, int]]) -> int:
        """Operator seeding for load tests: issue coins straight into wallets, through the
        ledger (kind `seed`, not a top-up). Returns the fen credited."""
        limit = self.ctx.config.money.max_amount_fen
        for _, amount_fen in credits:
            check_count(amount_fen, limit, "amount_fen")
        with self.ctx.store.write() as tx:
            found = tx.accounts.get_many(sorted({a for a, _ in credits}))
            missing = sorted({a for a, _ in credits} - set(found))
            if missing:
                raise NotFound(f"no accounts {missing}", field="account_id")
            # Every wallet at once, in id order, before the first credit: one lock after
            # another in request order could close a cycle with a payment between two of them.
            wallets = [self.ledger.wallet(tx, a) for a in sorted(found)]
            tx.ledger.lock([self.ledger.system(tx, LedgerKind.ISSUANCE), *wallets])
            for account_id, amount_fen in credits:
                self._issue(tx, account_id, amount_fen, TransferKind.SEED, None)
        return sum(amount for _, amount in credits)

    def _issue(
        self, tx: Tx, account_id: int, amount_fen: int, kind: TransferKind, ref_id: int | None
    ) -> None:
        issuance = self.ledger.system(tx, LedgerKind.ISSUANCE)
        leg = Leg(issuance, self.ledger.wallet(tx, account_id), amount_fen, kind)
        self.ledger.post(tx, [leg], ref_id)

    @staticmethod
    def _topup(tx: Tx, topup_id: int, *, lock: bool = False) -> TopUp:
        topup = tx.topups.get(topup_id, lock=lock)
        if topup is None:
            raise NotFound(f"no top-up {topup_id}")
        return topup
