"""App purchases: an app asks a user to pay micro-coins for an item; the user confirms.

Micro-coins pay for "network application purchases" (the seeds). An app asks with the
user's grant (`charge`); the charge waits, pending, until the user confirms or declines it
through the first-party API (`/me/app-charges`) or it expires
(`apps.pending_charge_ttl_s`). A grant holding the `payments` scope is the user's
pre-authorisation given at consent: its charges up to `apps.preauthorized_max_fen` pay at
once. The catalogue's games are apps too: a user buying a game item confirms by the call
itself (`pay_now`), so every app sale, third-party or game, moves coins here.

Paying moves the coins from the user's wallet to the developer (a third-party developer's
wallet, a game's developer ledger account), less the platform's share (`apps.platform_share`
for third-party apps, `money.games.platform_share` for games), in one transaction with the
charge's status, so a retried request or a second confirmation pays once; a refund
reverses every leg.
"""

from __future__ import annotations

from dataclasses import replace

from microblog.app_models import App, AppCharge, ChargeStatus, Scope
from microblog.errors import Conflict, Forbidden, Invalid, NotFound
from microblog.money_models import LedgerKind, TransferKind
from microblog.services.apps import Grant
from microblog.services.context import Context
from microblog.services.idempotency import Idempotency
from microblog.services.ledger import Ledger, Leg, check_count, cut
from microblog.store.base import Tx


class AppPayments:
    def __init__(self, ctx: Context, ledger: Ledger) -> None:
        self.ctx = ctx
        self.ledger = ledger
        self.keys = Idempotency(ctx)

    def charge(
        self, grant: Grant, item: str, amount_fen: int, *, idempotency_key: str
    ) -> AppCharge:
        """The app asks the granting user to pay for `item`: paid at once when pre-authorised,
        else pending; a retry with the key answers the first charge as it stands now."""
        self._check(item, amount_fen)
        request: dict[str, object] = {
            "op": "app_charge", "client_id": grant.client_id, "item": item, "amount": amount_fen
        }  # fmt: skip
        made = self.keys.once(
            grant.account_id,
            idempotency_key,
            request,
            AppCharge,
            lambda tx: self._ask(tx, grant, item.strip(), amount_fen),
        )
        return made if made.status is not ChargeStatus.PENDING else self._reread(made.id)

    def pay_now(self, tx: Tx, app: App, account_id: int, item: str, amount_fen: int) -> AppCharge:
        """Charge and pay in the caller's transaction: the user's own call confirms it."""
        self._check(item, amount_fen)
        priced = self._priced(app, account_id, item, amount_fen)
        legs = self._legs(tx, app, priced)
        self.ledger.check(tx, legs)
        charge = tx.apps.add_charge(priced)
        self.ledger.apply(tx, legs, charge.id)
        return charge

    def get(self, grant: Grant, charge_id: int) -> AppCharge:
        with self.ctx.store.read() as tx:
            return self._now(self._of_app(tx, grant, charge_id))

    def refund(self, grant: Grant, charge_id: int) -> AppCharge:
        """The app refunds its paid charge in full: every leg reversed, once."""
        with self.ctx.store.write() as tx:
            found = self._of_app(tx, grant, charge_id)
            legs = [leg.reversed() for leg in self._legs(tx, self._app(tx, found), found)]
            self._settle(tx, found, ChargeStatus.PAID, ChargeStatus.REFUNDED, legs)
        return replace(found, status=ChargeStatus.REFUNDED)

    def pending(self, account_id: int) -> list[AppCharge]:
        """The charges waiting for the user's answer (expired ones are no longer asked)."""
        with self.ctx.store.read() as tx:
            found = tx.apps.charges_of(account_id, ChargeStatus.PENDING)
        return [c for c in map(self._now, found) if c.status is ChargeStatus.PENDING]

    def confirm(self, account_id: int, charge_id: int) -> AppCharge:
        """The user pays a pending charge (409 naming the shortfall; it stays pending)."""
        with self.ctx.store.write() as tx:
            found = self._awaiting(tx, account_id, charge_id)
            legs = self._legs(tx, self._app(tx, found), found)
            self._settle(tx, found, ChargeStatus.PENDING, ChargeStatus.PAID, legs)
        return replace(found, status=ChargeStatus.PAID)

    def decline(self, account_id: int, charge_id: int) -> AppCharge:
        """The user refuses a pending charge: nothing moves, and it can no longer be paid."""
        with self.ctx.store.write() as tx:
            found = self._awaiting(tx, account_id, charge_id)
            self._settle(tx, found, ChargeStatus.PENDING, ChargeStatus.DECLINED, [])
        return replace(found, status=ChargeStatus.DECLINED)

    def _check(self, item: str, amount_fen: int) -> None:
        most = self.ctx.config.apps.max_item_chars
        if not 1 <= len(item.strip()) <= most:
            raise Invalid(f"item must be 1-{most} characters", field="item")
        check_count(amount_fen, self.ctx.config.money.max_amount_fen, "amount_fen")

    def _ask(self, tx: Tx, grant: Grant, item: str, amount_fen: int) -> AppCharge:
        app = self._app_of(tx, grant.client_id)
        if app.developer_id == grant.account_id:
            raise Invalid("an app cannot charge its own developer", field="amount_fen")
        if self._preauthorized(grant, amount_fen):
            return self.pay_now(tx, app, grant.account_id, item, amount_fen)
        lapses = self.ctx.clock() + self.ctx.config.apps.pending_charge_ttl_s
        asked = self._priced(app, grant.account_id, item, amount_fen)
        return tx.apps.add_charge(replace(asked, status=ChargeStatus.PENDING, expires_at=lapses))

    def _preauthorized(self, grant: Grant, amount_fen: int) -> bool:
        return (
            Scope.PAYMENTS in grant.scopes
            and amount_fen <= self.ctx.config.apps.preauthorized_max_fen
        )

    def _priced(self, app: App, account_id: int, item: str, amount_fen: int) -> AppCharge:
        """A paid charge split between developer and platform by the app's share."""
        fee = cut(amount_fen, self._share(app))
        return AppCharge(
            0, app.client_id, account_id, app.developer_id, item.strip(), amount_fen,
            amount_fen - fee, fee, self.ctx.clock(),
        )  # fmt: skip

    def _share(self, app: App) -> float:
        """Games keep their published split; other apps the open platform's."""
        if app.game_id is not None:
            return self.ctx.config.money.games.platform_share
        return self.ctx.config.apps.platform_share

    def _settle(
        self, tx: Tx, charge: AppCharge, old: ChargeStatus, new: ChargeStatus, legs: list[Leg]
    ) -> None:
        """Move the coins and the status together, or neither (409 when it moved already)."""
        self.ledger.check(tx, legs)
        if not tx.apps.move_charge(charge.id, old, new):
            raise Conflict(f"charge {charge.id} is not {old.value} (any more)")
        self.ledger.apply(tx, legs, charge.id)

    def _legs(self, tx: Tx, app: App, charge: AppCharge) -> list[Leg]:
        wallet = self.ledger.wallet(tx, charge.account_id)
        return [
            Leg(wallet, self._payee(tx, app), charge.developer_fen, TransferKind.APP_PURCHASE),
            Leg(
                wallet, self.ledger.system(tx, LedgerKind.PLATFORM), charge.platform_fen,
                TransferKind.APP_FEE,
            ),
        ]  # fmt: skip

    def _payee(self, tx: Tx, app: App) -> int:
        """The ledger account a sale pays: a game's developer account, else the wallet of
        the app's developer."""
        if app.game_id is not None:
            return self.ledger.system(tx, LedgerKind.DEVELOPER, app.game_id)
        assert app.developer_id is not None, "only catalogue games lack a developer account"
        return self.ledger.wallet(tx, app.developer_id)

    def _now(self, charge: AppCharge) -> AppCharge:
        """The charge as it stands: a pending one past its time has expired."""
        lapsed = charge.expires_at is not None and charge.expires_at <= self.ctx.clock()
        if charge.status is ChargeStatus.PENDING and lapsed:
            return replace(charge, status=ChargeStatus.EXPIRED)
        return charge

    def _reread(self, charge_id: int) -> AppCharge:
        with self.ctx.store.read() as tx:
            found = tx.apps.charge(charge_id)
        assert found is not None, "charges are never deleted"
        return self._now(found)

    def _awaiting(self, tx: Tx, account_id: int, charge_id: int) -> AppCharge:
        found = tx.apps.charge(charge_id)
        if found is None or found.account_id != account_id:
            raise NotFound(f"no charge {charge_id} of yours")
        current = self._now(found)
        if current.status is not ChargeStatus.PENDING:
            raise Conflict(f"charge {charge_id} is {current.status.value}, not pending")
        return current

    def _app(self, tx: Tx, charge: AppCharge) -> App:
        return self._app_of(tx, charge.client_id)

    @staticmethod
    def _app_of(tx: Tx, client_id: str) -> App:
        app = tx.apps.get(client_id)
        if app is None or app.revoked:
            raise NotFound(f"no app {client_id}")
        return app

    def _of_app(self, tx: Tx, grant: Grant, charge_id: int) -> AppCharge:
        found = tx.apps.charge(charge_id)
        if found is None:
            raise NotFound(f"no charge {charge_id}")
        if found.client_id != grant.client_id:
            raise Forbidden(f"charge {charge_id} belongs to another app")
        return found
