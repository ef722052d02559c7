"""App purchases: a third-party app charges a user micro-coins for an item.

Micro-coins pay for "network application purchases" (the seeds). A charge needs a token
the user granted with the `payments` scope: granting it is the user's standing consent
(the pre-authorised path), so the charge settles at once. The ledger moves the coins from
the user's wallet to the app developer's wallet, less the platform's share
(`apps.platform_share`, 0 by default: no fees to developers in the first year), in one
transaction with the charge record and its idempotency key; a refund reverses every leg.
"""

from __future__ import annotations

from microblog.app_models import AppCharge
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
        """Charge the granting user for `item`; a retry with the key replays the first."""
        self._check(item, amount_fen)
        request: dict[str, object] = {
            "op": "app_charge", "client_id": grant.client_id, "item": item, "amount": amount_fen
        }  # fmt: skip
        return self.keys.once(
            grant.account_id,
            idempotency_key,
            request,
            AppCharge,
            lambda tx: self._charge(tx, grant, item, amount_fen),
        )

    def get(self, grant: Grant, charge_id: int) -> AppCharge:
        with self.ctx.store.read() as tx:
            return self._own(tx, grant, charge_id)

    def refund(self, grant: Grant, charge_id: int) -> AppCharge:
        """The app refunds its charge in full: every leg reversed, once."""
        with self.ctx.store.write() as tx:
            found = self._own(tx, grant, charge_id)
            legs = [leg.reversed() for leg in self._legs(tx, found)]
            self.ledger.check(tx, legs)
            if not tx.apps.mark_refunded(charge_id):
                raise Conflict(f"charge {charge_id} was refunded already")
            self.ledger.apply(tx, legs, charge_id)
            refunded = tx.apps.charge(charge_id)
        assert refunded is not None
        return refunded

    def _check(self, item: str, amount_fen: int) -> None:
        if not 1 <= len(item.strip()) <= self.ctx.config.apps.max_item_chars:
            raise Invalid(
                f"item must be 1-{self.ctx.config.apps.max_item_chars} characters", field="item"
            )
        check_count(amount_fen, self.ctx.config.money.max_amount_fen, "amount_fen")

    def _charge(self, tx: Tx, grant: Grant, item: str, amount_fen: int) -> AppCharge:
        app = tx.apps.get(grant.client_id)
        if app is None or app.revoked:
            raise NotFound(f"no app {grant.client_id}")
        if app.developer_id == grant.account_id:
            raise Invalid("an app cannot charge its own developer", field="amount_fen")
        fee = cut(amount_fen, self.ctx.config.apps.platform_share)
        pending = AppCharge(
            0, app.client_id, grant.account_id, app.developer_id, item.strip(), amount_fen,
            amount_fen - fee, fee, self.ctx.clock(),
        )  # fmt: skip
        legs = self._legs(tx, pending)
        self.ledger.check(tx, legs)
        charge = tx.apps.add_charge(pending)
        self.ledger.apply(tx, legs, charge.id)
        return charge

    def _legs(self, tx: Tx, charge: AppCharge) -> list[Leg]:
        wallet = self.ledger.wallet(tx, charge.account_id)
        return [
            Leg(
                wallet, self.ledger.wallet(tx, charge.developer_id), charge.developer_fen,
                TransferKind.APP_PURCHASE,
            ),
            Leg(
                wallet, self.ledger.system(tx, LedgerKind.PLATFORM), charge.platform_fen,
                TransferKind.APP_FEE,
            ),
        ]  # fmt: skip

    @staticmethod
    def _own(tx: Tx, grant: Grant, charge_id: int) -> AppCharge:
        found = tx.apps.charge(charge_id)
        if found is None:
            raise NotFound(f"no charge {charge_id}")
        if found.client_id != grant.client_id:
            raise Forbidden(f"charge {charge_id} belongs to another app")
        return found
