"""Tables of the social core. Other domains add theirs to the same `metadata`."""

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
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

Id = BigInteger().with_variant(Integer, "sqlite")  # INTEGER PRIMARY KEY is SQLite's rowid

accounts = Table(
    "accounts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("tier", String(16)),
    Column("verified", Boolean, nullable=False, default=False),
    Column("interests", JSON, nullable=False),
    Column("region", String(64), nullable=False),
    Column("gender", String(16), nullable=False),
    Column("age_band", String(16), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("follower_count", Integer, nullable=False, default=0),
    Column("followee_count", Integer, nullable=False, default=0),
    Column("password_hash", String(255)),
    Column("pull_author", Boolean, nullable=False, default=False),
)

tokens = Table(
    "tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("account_id", ForeignKey("accounts.id"), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("client", String(8), nullable=False, default="web"),
    Index("ix_tokens_devices", "account_id", "client"),
)

follows = Table(
    "follows",
    metadata,
    Column("follower_id", ForeignKey("accounts.id"), primary_key=True),
    Column("followee_id", ForeignKey("accounts.id"), primary_key=True),
    Column("created_at", Float, nullable=False),
    Index("ix_follows_followee", "followee_id", "follower_id"),
)

posts = Table(
    "posts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("author_id", ForeignKey("accounts.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("group_id", ForeignKey("groups.id")),
    Column("repost_of", ForeignKey("posts.id")),
    Column("pushed", Boolean, nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("edited_at", Float),
    Column("like_count", Integer, nullable=False, default=0),
    Column("comment_count", Integer, nullable=False, default=0),
    Column("repost_count", Integer, nullable=False, default=0),
    Column("photo_ids", JSON),  # attached photos in order; NULL for none
    Index("ix_posts_author", "author_id", "group_id", "pushed", "id"),
    Index("ix_posts_group", "group_id", "id"),
)

likes = Table(
    "likes",
    metadata,
    Column("post_id", ForeignKey("posts.id"), primary_key=True),
    Column("account_id", ForeignKey("accounts.id"), primary_key=True),
)

comments = Table(
    "comments",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("post_id", ForeignKey("posts.id"), nullable=False),
    Column("author_id", ForeignKey("accounts.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Index("ix_comments_post", "post_id", "id"),
)

mentions = Table(
    "mentions",
    metadata,
    Column("account_id", ForeignKey("accounts.id"), primary_key=True),
    Column("post_id", ForeignKey("posts.id"), primary_key=True),
)

groups = Table(
    "groups",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("owner_id", ForeignKey("accounts.id"), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("member_count", Integer, nullable=False, default=0),
)

group_members = Table(
    "group_members",
    metadata,
    Column("group_id", ForeignKey("groups.id"), primary_key=True),
    Column("account_id", ForeignKey("accounts.id"), primary_key=True),
    Index("ix_group_members_account", "account_id", "group_id"),
)
