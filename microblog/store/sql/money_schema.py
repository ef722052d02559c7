"""Tables of the micro-coin economy, on the shared `metadata` of the social core.

The database guards money and stock itself too: a CHECK keeps every balance that may not
run negative at or above zero, stock at or above zero, and every transfer positive, so a
service bug can fail a transaction but never corrupt the books.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from microblog.store.sql.schema import Id, metadata

Fen = BigInteger

ledger_accounts = Table(
    "ledger_accounts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("owner_id", BigInteger, nullable=False),
    Column("balance_fen", Fen, nullable=False),
    Column("may_run_negative", Boolean, nullable=False),
    UniqueConstraint("kind", "owner_id", name="uq_ledger_accounts_owner"),
    CheckConstraint("may_run_negative OR balance_fen >= 0", name="ck_ledger_balance"),
)

ledger_transfers = Table(
    "ledger_transfers",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("debit_id", ForeignKey("ledger_accounts.id"), nullable=False),
    Column("credit_id", ForeignKey("ledger_accounts.id"), nullable=False),
    Column("amount_fen", Fen, nullable=False),
    Column("kind", String(24), nullable=False),
    Column("ref_id", BigInteger),
    Column("created_at", Float, nullable=False),
    CheckConstraint("amount_fen > 0", name="ck_transfer_positive"),
    Index("ix_ledger_transfers_debit", "debit_id", "id"),
    Index("ix_ledger_transfers_credit", "credit_id", "id"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("account_id", ForeignKey("accounts.id"), primary_key=True),
    Column("idem_key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("response", JSON, nullable=False),
    Column("created_at", Float, nullable=False),
)

topups = Table(
    "topups",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("account_id", ForeignKey("accounts.id"), nullable=False),
    Column("amount_fen", Fen, nullable=False),
    Column("channel", String(24), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("settled_at", Float),
)

games = Table(
    "games",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("genre", String(32), nullable=False),
)

game_items = Table(
    "game_items",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("game_id", ForeignKey("games.id"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("price_fen", Fen, nullable=False),
    Index("ix_game_items_game", "game_id", "id"),
)

shops = Table(
    "shops",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("owner_id", ForeignKey("accounts.id"), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("created_at", Float, nullable=False),
)

products = Table(
    "products",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("shop_id", ForeignKey("shops.id"), nullable=False),
    Column("merchant_id", ForeignKey("accounts.id"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("price_fen", Fen, nullable=False),
    Column("stock", Integer, nullable=False),
    Column("created_at", Float, nullable=False),
    CheckConstraint("stock >= 0", name="ck_product_stock"),
    Index("ix_products_shop", "shop_id", "id"),
)

product_posts = Table(
    "product_posts",
    metadata,
    Column("post_id", ForeignKey("posts.id"), primary_key=True),
    Column("product_id", ForeignKey("products.id"), nullable=False),
    Column("influencer_id", ForeignKey("accounts.id")),
)

orders = Table(
    "orders",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("buyer_id", ForeignKey("accounts.id"), nullable=False),
    Column("merchant_id", ForeignKey("accounts.id"), nullable=False),
    Column("shop_id", ForeignKey("shops.id"), nullable=False),
    Column("product_id", ForeignKey("products.id"), nullable=False),
    Column("post_id", ForeignKey("posts.id")),
    Column("influencer_id", ForeignKey("accounts.id")),
    Column("quantity", Integer, nullable=False),
    Column("amount_fen", Fen, nullable=False),
    Column("merchant_fen", Fen, nullable=False),
    Column("platform_fen", Fen, nullable=False),
    Column("influencer_fen", Fen, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("refunded_at", Float),
    Index("ix_orders_buyer", "buyer_id", "id"),
    Index("ix_orders_shop", "shop_id", "id"),
)
