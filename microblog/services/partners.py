"""Partner marketing fees: what a commerce partner pays the platform for the traffic it gets.

A partner that sells off-platform (Alibaba's Taobao, for Weibo in 2013-2014) pays the
platform marketing fees rather than a commission on each sale: a contract amount per period
and a fee for each diversion, a user following a product post's link to the partner's
store. The operator's billing charges each fee as one ledger transfer from the partner's
wallet to the platform's revenue account (kind `partner_fee`), under an idempotency key, so
a retried charge never bills twice; a partner that cannot cover a fee is refused, naming
the shortfall, like any other payer.
"""

from __future__ import annotations

from microblog.money_models import LedgerKind, PartnerFee, TransferKind
from microblog.services.context import Context
from microblog.services.idempotency import Idempotency
from microblog.services.ledger import Ledger, Leg, check_count, require_account_and_post
from microblog.store.base import Tx


class Partners:
    def __init__(self, ctx: Context, ledger: Ledger) -> None:
        self.ctx = ctx
        self.ledger = ledger
        self.keys = Idempotency(ctx)

    def charge(
        self,
        partner_id: int,
        amount_fen: int,
        *,
        post_id: int | None = None,
        idempotency_key: str,
    ) -> PartnerFee:
        """Bill the partner a fee: for a diversion through product post `post_id`, or (no
        post) a contract payment."""
        check_count(amount_fen, self.ctx.config.money.max_amount_fen, "amount_fen")
        request: dict[str, object] = {
            "op": "partner_fee",
            "amount_fen": amount_fen,
            "post_id": post_id,
        }

        def bill(tx: Tx) -> PartnerFee:
            require_account_and_post(tx, partner_id, "partner_id", post_id)
            leg = Leg(
                self.ledger.wallet(tx, partner_id),
                self.ledger.system(tx, LedgerKind.PLATFORM),
                amount_fen,
                TransferKind.PARTNER_FEE,
            )
            (moved,) = self.ledger.post(tx, [leg], post_id)
            return PartnerFee(moved.id, partner_id, amount_fen, post_id, moved.created_at)

        return self.keys.once(partner_id, idempotency_key, request, PartnerFee, bill)
