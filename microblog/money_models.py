"""Records of the micro-coin economy: ledger, top-ups, games, shops and orders.

Amounts are integer fen (1 coin = 1 RMB = 100 fen), never floats, so sums are exact.
Like `microblog.models`, these are plain slotted dataclasses free of storage and HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class LedgerKind(StrEnum):
    """Kinds of ledger account; each is identified by its kind and an owner id."""

    WALLET = "wallet"
    """A user's coins; owner is the account id."""
    ISSUANCE = "issuance"
    """Where coins come from (top-ups) and go back to (withdrawals); the only account that
    runs negative: its balance is minus the coins in circulation. Owner 0."""
    PLATFORM = "platform"
    """The platform's revenue: game fees, order commissions, ad spend and partner fees.
    Owner 0."""
    DEVELOPER = "developer"
    """A third-party game developer's earnings; owner is the game id."""
    CLEARING = "clearing"
    """On a platform split by account into shards, each holding its accounts' wallets: what
    this shard's ledger owes (positive) or is owed by (negative) shard `owner_id` for the
    payments between them still to settle. Like issuance it may run negative; the clearing
    accounts of all shards together hold the payments in flight (`Ledger.clearing`)."""


MAY_RUN_NEGATIVE = frozenset({LedgerKind.ISSUANCE, LedgerKind.CLEARING})


class TransferKind(StrEnum):
    """Why coins moved; refunds reverse each leg of the original sale with kind `refund`."""

    TOPUP = "topup"
    SEED = "seed"
    WITHDRAWAL = "withdrawal"
    GIFT = "gift"
    SALE = "sale"
    SALE_COMMISSION = "sale_commission"
    SALE_REFERRAL = "sale_referral"
    REFUND = "refund"
    AD_SPEND = "ad_spend"
    """An advertiser's or merchant's campaign charge (wallet -> platform revenue)."""
    APP_PURCHASE = "app_purchase"
    """An app's charge to a user: a third-party app's (wallet -> its developer's wallet) or
    a catalogue game's (wallet -> the game's developer account)."""
    APP_FEE = "app_fee"
    """The platform's share of an app charge (wallet -> platform revenue)."""
    PARTNER_FEE = "partner_fee"
    """A commerce partner's marketing fee: its contract or a diversion to its store
    (wallet -> platform revenue)."""
    LIVE_GIFT = "live_gift"
    """A viewer's gift to a live anchor, less the platform's share (wallet -> wallet)."""
    LIVE_FEE = "live_fee"
    """The platform's share of a live gift (wallet -> platform revenue)."""
    MEMBERSHIP = "membership"
    """A paid membership's fee, joining or renewing (wallet -> platform revenue)."""


ISSUING = frozenset({TransferKind.TOPUP, TransferKind.SEED})
"""Kinds that move coins out of the issuance account into circulation."""


@dataclass(slots=True)
class LedgerAccount:
    id: int
    kind: LedgerKind
    owner_id: int
    balance_fen: int = 0


@dataclass(frozen=True, slots=True)
class Transfer:
    """One double entry: `amount_fen` leaves `debit_id` and reaches `credit_id`."""

    id: int
    debit_id: int
    credit_id: int
    amount_fen: int
    kind: TransferKind
    ref_id: int | None
    created_at: float


class TopUpChannel(StrEnum):
    ONLINE_BANKING = "online_banking"
    THIRD_PARTY_WALLET = "third_party_wallet"


class TopUpStatus(StrEnum):
    PENDING = "pending"
    """Sent to the gateway; no reply yet (or the platform stopped waiting)."""
    CONFIRMED = "confirmed"
    """The gateway took the money; the wallet was credited exactly once."""
    FAILED = "failed"
    """The gateway declined; nothing was credited."""


@dataclass(slots=True)
class TopUp:
    id: int
    account_id: int
    amount_fen: int
    channel: TopUpChannel
    status: TopUpStatus
    created_at: float
    settled_at: float | None = None


@dataclass(frozen=True, slots=True)
class Gift:
    """A tip from one user to another, optionally for a post; its id is the transfer id."""

    id: int
    sender_id: int
    recipient_id: int
    amount_fen: int
    post_id: int | None
    created_at: float


@dataclass(frozen=True, slots=True)
class PartnerFee:
    """A marketing fee a commerce partner paid the platform; its id is the transfer id."""

    id: int
    partner_id: int
    amount_fen: int
    post_id: int | None
    """The product post whose link a diversion followed (None for a contract payment)."""
    created_at: float


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """Coins cashed out of a wallet (redeemed); its id is the transfer id."""

    id: int
    account_id: int
    amount_fen: int
    created_at: float


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One movement of a wallet, signed from the wallet's side (+ in, - out)."""

    transfer_id: int
    kind: TransferKind
    amount_fen: int
    ref_id: int | None
    created_at: float


@dataclass(frozen=True, slots=True)
class GameItem:
    id: int
    game_id: int
    name: str
    price_fen: int


@dataclass(slots=True)
class Game:
    id: int
    name: str
    genre: str
    items: list[GameItem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Purchase:
    """A game item bought with coins; the developer and the platform split `amount_fen`.
    Its id is the app charge's that paid it (`microblog.services.app_payments`)."""

    id: int
    account_id: int
    game_id: int
    item_id: int
    quantity: int
    amount_fen: int
    developer_fen: int
    platform_fen: int
    created_at: float


@dataclass(frozen=True, slots=True)
class Shop:
    id: int
    owner_id: int
    name: str
    created_at: float


@dataclass(slots=True)
class Product:
    id: int
    shop_id: int
    merchant_id: int
    name: str
    price_fen: int
    stock: int
    created_at: float


@dataclass(frozen=True, slots=True)
class ProductPost:
    """A post that sells a product; an influencer's post carries their referral."""

    post_id: int
    product_id: int
    influencer_id: int | None


class OrderStatus(StrEnum):
    PAID = "paid"
    REFUNDED = "refunded"


@dataclass(slots=True)
class Order:
    """A paid order; `merchant_fen + platform_fen + influencer_fen == amount_fen`."""

    id: int
    buyer_id: int
    merchant_id: int
    shop_id: int
    product_id: int
    post_id: int | None
    influencer_id: int | None
    quantity: int
    amount_fen: int
    merchant_fen: int
    platform_fen: int
    influencer_fen: int
    status: OrderStatus
    created_at: float
    refunded_at: float | None = None


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    """The first result of a keyed request, replayed to every retry with the same key."""

    account_id: int
    key: str
    fingerprint: str
    response: dict[str, object]
    created_at: float


@dataclass(slots=True)
class Audit:
    """The books checked to the fen; `balanced` when `problems` is empty.

    Invariant: every balance summed is 0 (the issuance account holds minus the coins in
    circulation), so the coins held everywhere else equal coins issued minus redeemed.
    """

    balanced: bool
    accounts: int
    transfers: int
    total_fen: int
    issued_fen: int
    redeemed_fen: int
    circulating_fen: int
    topups_confirmed_fen: int
    platform_revenue_fen: int
    clearing_fen: int = 0
    """Held by clearing accounts: payments in flight to other shards (0 unsharded)."""
    problems: list[str] = field(default_factory=list)
