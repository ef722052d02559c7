"""Charging campaigns: whole fen, inside their budgets, through an `AdBilling` payer.

CPM prices are fen per thousand impressions, so one impression usually owes a fraction
of a fen. Each impression adds its price in milli-fen to the campaign's carry and charges
the whole fen that makes up; the rest waits for the next impression, so the sum charged is
exactly the sum of prices rounded down, never a fen more. CPC campaigns pay their price
per click. Every charge is cut to what is left of the total and the day's budget, so a
campaign never spends more than either; eligibility stops it serving once one is spent.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from microblog.ads_models import AdImpression, BidType, Campaign, CampaignStatus
from microblog.errors import Busy, Conflict
from microblog.money_models import IdempotencyRecord, LedgerKind, TransferKind
from microblog.services.idempotency import fingerprint
from microblog.services.ledger import Ledger, Leg
from microblog.store.base import Tx

MILLI = 1000


class AdBilling(Protocol):
    """Moves an advertiser's money to the platform for ad events."""

    def charge(
        self, tx: Tx, advertiser_id: int, campaign_id: int, amount: int, key: str, wait: bool
    ) -> bool:
        """Move `amount` fen (> 0) from the advertiser's wallet to platform ad revenue in `tx`.

        Idempotent per `key`: a key already charged moves nothing more and returns True.
        Returns False, moving nothing, when the wallet cannot cover the amount. With
        `wait=False`, raises `Busy`, moving nothing, when another writer holds the accounts.
        """
        ...


class LedgerBilling:
    """Ad spend as ledger transfers: advertiser's wallet -> platform revenue, kind `ad_spend`.

    Each charge's key is kept with the advertiser's idempotency keys, fingerprinted as an
    ad charge: a replayed charge moves nothing, and a key a client claimed first for some
    other request is never mistaken for a paid charge (the charge is refused instead).
    """

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def charge(
        self, tx: Tx, advertiser_id: int, campaign_id: int, amount: int, key: str, wait: bool
    ) -> bool:
        charged, response = charge_record(campaign_id, amount)
        stored = tx.idempotency.get(advertiser_id, key)
        if stored is not None:
            return stored.fingerprint == charged
        wallet = Ledger.wallet(tx, advertiser_id)
        revenue = Ledger.system(tx, LedgerKind.PLATFORM)
        leg = Leg(wallet, revenue, amount, TransferKind.AD_SPEND)
        try:
            self.ledger.post(tx, [leg], campaign_id, wait=wait)
        except Busy:
            raise
        except Conflict:
            return False
        now = self.ledger.ctx.clock()
        tx.idempotency.put(IdempotencyRecord(advertiser_id, key, charged, response, now))
        return True


@lru_cache(maxsize=4096)
def charge_record(campaign_id: int, amount: int) -> tuple[str, dict[str, object]]:
    """The fingerprint and response kept with a charge of `amount` fen to a campaign.

    Every CPM charge of a campaign is one of a few whole-fen amounts, so their records
    share these two objects (never changed once made) instead of a 64-character digest and
    a dict each: ~200 bytes, and a SHA-256 over JSON, saved per charge.
    """
    request: dict[str, object] = {"op": "ad_charge", "campaign_id": campaign_id, "fen": amount}
    return fingerprint(request), {"amount_fen": amount}


@dataclass(slots=True)
class PageCharges:
    """What one page of ads has charged so far, in its one transaction.

    A page charges advertisers in auction order, while payments lock wallets in id order;
    a page that already holds ledger locks and waited for more could close a cycle with
    such a payment (PostgreSQL). So only a page's first charge waits; later ones skip a
    campaign whose accounts are busy right now (`Busy`) and the slot goes to the next bid.
    """

    holds_ledger: bool = False


class CampaignBilling:
    """Charges campaigns for impressions and clicks and records what they spent."""

    def __init__(self, billing: AdBilling) -> None:
        self.billing = billing

    def impression(
        self, tx: Tx, campaign: Campaign, price: int, day: int, page: PageCharges
    ) -> bool:
        """Charge a CPM impression about to be shown; False when its owner cannot pay, or
        (after the page's first charge) when its accounts are busy."""
        if campaign.spec.bid_type is not BidType.CPM:
            return True
        owed = campaign.delivery.owed_millifen + price
        key = f"ads:cpm:{campaign.id}:{campaign.delivery.impressions + 1}"
        return self._charge(tx, campaign, day, owed // MILLI, owed % MILLI, key, page)

    def click(self, tx: Tx, campaign: Campaign, impression: AdImpression, day: int) -> bool:
        """Charge a first click on a CPC impression at the price its auction set."""
        if campaign.spec.bid_type is not BidType.CPC:
            return True
        key = f"ads:cpc:{impression.id}"
        owed = campaign.delivery.owed_millifen
        return self._charge(tx, campaign, day, impression.price, owed, key, PageCharges())

    def _charge(
        self,
        tx: Tx,
        campaign: Campaign,
        day: int,
        due: int,
        owed_after: int,
        key: str,
        page: PageCharges,
    ) -> bool:
        fen = min(due, remaining(campaign, day))
        if fen > 0:
            wait, page.holds_ledger = not page.holds_ledger, True
            try:
                paid = self.billing.charge(tx, campaign.owner_id, campaign.id, fen, key, wait)
            except Busy:
                return False
            if not paid:
                tx.ads.set_status(campaign.id, CampaignStatus.UNFUNDED)
                return False
        tx.ads.add_spend(campaign.id, day, fen, owed_after)
        return True


def remaining(campaign: Campaign, day: int) -> int:
    """Fen the campaign may still spend on `day`: the least of its total and daily budget
    and, on a server granted a share of them, its allowance."""
    spec, delivery = campaign.spec, campaign.delivery
    left = min(spec.total_budget - delivery.spent, spec.daily_budget - delivery.spent_on(day))
    if campaign.allowance is not None:
        left = min(left, campaign.allowance)
    return max(0, left)
