"""Ads tables, on the shared `metadata` (created with the rest by `SqlStore`)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
)

from microblog.store.sql.schema import Id, metadata

ad_campaigns = Table(
    "ad_campaigns",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("owner_id", ForeignKey("accounts.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("post_id", ForeignKey("posts.id"), nullable=False),
    Column("bid_type", String(8), nullable=False),
    Column("bid", BigInteger, nullable=False),
    Column("daily_budget", BigInteger, nullable=False),
    Column("total_budget", BigInteger, nullable=False),
    Column("starts_at", Float, nullable=False),
    Column("ends_at", Float, nullable=False),
    Column("frequency_cap", Integer, nullable=False),
    Column("interests", JSON, nullable=False),
    Column("regions", JSON, nullable=False),
    Column("genders", JSON, nullable=False),
    Column("age_bands", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("impressions", BigInteger, nullable=False, default=0),
    Column("clicks", BigInteger, nullable=False, default=0),
    Column("hides", BigInteger, nullable=False, default=0),
    Column("conversions", BigInteger, nullable=False, default=0),
    Column("conversion_value", BigInteger, nullable=False, default=0),
    Column("spent", BigInteger, nullable=False, default=0),
    Column("day", Integer, nullable=False, default=-1),
    Column("day_spent", BigInteger, nullable=False, default=0),
    Column("owed_millifen", Integer, nullable=False, default=0),
    Column("held_until", Float, nullable=False, default=0.0),
    Index("ix_ad_campaigns_owner", "owner_id", "id"),
    Index("ix_ad_campaigns_status", "status", "ends_at"),
)

ad_impressions = Table(
    "ad_impressions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("campaign_id", ForeignKey("ad_campaigns.id"), nullable=False),
    Column("account_id", ForeignKey("accounts.id"), nullable=False),
    Column("price", BigInteger, nullable=False),
    Column("day", Integer, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("clicked", Boolean, nullable=False, default=False),
    Column("converted", Boolean, nullable=False, default=False),
    Index("ix_ad_impressions_viewer_day", "account_id", "day", "campaign_id"),
    Index("ix_ad_impressions_campaign_viewer", "campaign_id", "account_id", "id"),
)

ad_hides = Table(
    "ad_hides",
    metadata,
    Column("account_id", ForeignKey("accounts.id"), primary_key=True),
    Column("campaign_id", ForeignKey("ad_campaigns.id"), primary_key=True),
)
