"""Apps, authorization codes and app tokens in SQL: tables (on the shared `metadata`,
created with the rest by `SqlStore`) and the repository."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Connection,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    bindparam,
    delete,
    insert,
    select,
    update,
)

from microblog.app_models import App, AppCharge, AppToken, AuthCode, ChargeStatus, Scope
from microblog.rate_limit_config import AppTier
from microblog.store.sql.prepared import Prepared
from microblog.store.sql.schema import Id, metadata
from microblog.work import record

apps = Table(
    "apps",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("client_id", String(64), nullable=False, unique=True),
    Column("secret_hash", String(64), nullable=False),
    Column("developer_id", ForeignKey("accounts.id")),
    Column("name", String(100), nullable=False),
    Column("redirect_uris", JSON, nullable=False),
    Column("scopes", JSON, nullable=False),
    Column("tier", String(16), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("game_id", ForeignKey("games.id"), unique=True),
    Column("user_per_hour", Integer),
    Index("ix_apps_developer", "developer_id", "id"),
)

oauth_codes = Table(
    "oauth_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("client_id", ForeignKey("apps.client_id"), nullable=False),
    Column("account_id", ForeignKey("accounts.id"), nullable=False),
    Column("redirect_uri", String(500), nullable=False),
    Column("scopes", JSON, nullable=False),
    Column("code_challenge", String(128), nullable=False),
    Column("challenge_method", String(8), nullable=False),
    Column("expires_at", Float, nullable=False),
)

app_tokens = Table(
    "app_tokens",
    metadata,
    Column("access_hash", String(64), primary_key=True),
    Column("refresh_hash", String(64), unique=True),
    Column("client_id", ForeignKey("apps.client_id"), nullable=False),
    Column("account_id", ForeignKey("accounts.id"), nullable=False),
    Column("user_grant", Boolean, nullable=False),
    Column("scopes", JSON, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("created_at", Float, nullable=False),
    Index("ix_app_tokens_account", "account_id", "client_id"),
)

app_charges = Table(
    "app_charges",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("client_id", ForeignKey("apps.client_id"), nullable=False),
    Column("account_id", ForeignKey("accounts.id"), nullable=False),
    Column("developer_id", ForeignKey("accounts.id")),
    Column("item", String(100), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("developer_fen", BigInteger, nullable=False),
    Column("platform_fen", BigInteger, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("status", String(16), nullable=False),
    Column("expires_at", Float),
    Index("ix_app_charges_account", "account_id", "status", "id"),
)


_APP = Prepared(select(apps).where(apps.c.client_id == bindparam("client_id")))
_TOKEN = Prepared(select(app_tokens).where(app_tokens.c.access_hash == bindparam("hash")))
"""Prepared: every call with an app token reads both (`Apps.grant`)."""


def _app(row: Any) -> App:
    return App(
        row.id, row.client_id, row.developer_id, row.name, list(row.redirect_uris),
        [Scope(s) for s in row.scopes], AppTier(row.tier), row.created_at, row.revoked,
        row.game_id, row.user_per_hour,
    )  # fmt: skip


def _code(row: Any) -> AuthCode:
    return AuthCode(
        row.code_hash, row.client_id, row.account_id, row.redirect_uri,
        [Scope(s) for s in row.scopes], row.code_challenge, row.challenge_method, row.expires_at,
    )  # fmt: skip


def _token(row: Any) -> AppToken:
    return AppToken(
        row.access_hash, row.refresh_hash, row.client_id, row.account_id, row.user_grant,
        [Scope(s) for s in row.scopes], row.expires_at, row.created_at,
    )  # fmt: skip


def _charge(row: Any) -> AppCharge:
    return replace(AppCharge(**row._asdict()), status=ChargeStatus(row.status))


def _found_token(row: Any) -> AppToken | None:
    """The token a lookup found, its read counted; None when there was none."""
    record(db_reads=1 if row else 0)
    return _token(row) if row else None


class SqlApps:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def create(
        self,
        client_id: str,
        secret_hash: str,
        developer_id: int | None,
        name: str,
        redirect_uris: list[str],
        scopes: list[Scope],
        tier: AppTier,
        created_at: float,
        game_id: int | None = None,
    ) -> App:
        values = dict(
            client_id=client_id, secret_hash=secret_hash, developer_id=developer_id, name=name,
            redirect_uris=list(redirect_uris), scopes=[s.value for s in scopes],
            tier=tier.value, created_at=created_at, revoked=False, game_id=game_id,
        )  # fmt: skip
        key = self.conn.execute(insert(apps).values(values)).inserted_primary_key
        assert key is not None, "apps has an autoincrement primary key"
        record(db_writes=1)
        return App(
            int(key[0]), client_id, developer_id, name, list(redirect_uris), list(scopes),
            tier, created_at, game_id=game_id,
        )  # fmt: skip

    def get(self, client_id: str) -> App | None:
        row = _APP.first(self.conn, client_id=client_id)
        record(db_reads=1 if row else 0)
        return _app(row) if row else None

    def secret_hash(self, client_id: str) -> str | None:
        record(db_reads=1)
        return self.conn.scalar(select(apps.c.secret_hash).where(apps.c.client_id == client_id))

    def of_developer(self, developer_id: int) -> list[App]:
        query = select(apps).where(apps.c.developer_id == developer_id).order_by(apps.c.id.desc())
        found = [_app(row) for row in self.conn.execute(query)]
        record(db_reads=len(found))
        return found

    def set_secret(self, client_id: str, secret_hash: str) -> None:
        self._update(client_id, secret_hash=secret_hash)

    def set_tier(self, client_id: str, tier: AppTier) -> None:
        self._update(client_id, tier=tier.value)

    def set_user_limit(self, client_id: str, user_per_hour: int | None) -> None:
        self._update(client_id, user_per_hour=user_per_hour)

    def revoke(self, client_id: str) -> None:
        self._update(client_id, revoked=True)
        self.conn.execute(delete(oauth_codes).where(oauth_codes.c.client_id == client_id))
        self.conn.execute(delete(app_tokens).where(app_tokens.c.client_id == client_id))

    def _update(self, client_id: str, **values: object) -> None:
        self.conn.execute(update(apps).where(apps.c.client_id == client_id).values(**values))
        record(db_writes=1)

    def add_code(self, code: AuthCode) -> None:
        values = dict(
            code_hash=code.code_hash, client_id=code.client_id, account_id=code.account_id,
            redirect_uri=code.redirect_uri, scopes=[s.value for s in code.scopes],
            code_challenge=code.code_challenge, challenge_method=code.challenge_method,
            expires_at=code.expires_at,
        )  # fmt: skip
        self.conn.execute(insert(oauth_codes).values(values))
        record(db_writes=1)

    def take_code(self, code_hash: str) -> AuthCode | None:
        code = self.peek_code(code_hash)
        if code is None:
            return None
        gone = self.conn.execute(delete(oauth_codes).where(oauth_codes.c.code_hash == code_hash))
        record(db_writes=gone.rowcount)
        return code if gone.rowcount == 1 else None

    def peek_code(self, code_hash: str) -> AuthCode | None:
        query = select(oauth_codes).where(oauth_codes.c.code_hash == code_hash)
        row = self.conn.execute(query).first()
        record(db_reads=1 if row else 0)
        return _code(row) if row else None

    def add_token(self, token: AppToken) -> None:
        values = dict(
            access_hash=token.access_hash, refresh_hash=token.refresh_hash,
            client_id=token.client_id, account_id=token.account_id, user_grant=token.user_grant,
            scopes=[s.value for s in token.scopes], expires_at=token.expires_at,
            created_at=token.created_at,
        )  # fmt: skip
        self.conn.execute(insert(app_tokens).values(values))
        record(db_writes=1)

    def token(self, access_hash: str) -> AppToken | None:
        return _found_token(_TOKEN.first(self.conn, hash=access_hash))

    def token_by_refresh(self, refresh_hash: str) -> AppToken | None:
        query = select(app_tokens).where(app_tokens.c.refresh_hash == refresh_hash)
        return _found_token(self.conn.execute(query).first())

    def delete_token(self, access_hash: str) -> bool:
        gone = self.conn.execute(delete(app_tokens).where(app_tokens.c.access_hash == access_hash))
        record(db_writes=gone.rowcount)
        return gone.rowcount == 1

    def delete_grants(self, client_id: str, account_id: int) -> int:
        c = app_tokens.c
        gone = self.conn.execute(
            delete(app_tokens).where(
                c.client_id == client_id, c.account_id == account_id, c.user_grant.is_(True)
            )
        )
        record(db_writes=gone.rowcount)
        return int(gone.rowcount)

    def authorized_apps(self, account_id: int) -> list[str]:
        c = app_tokens.c
        query = (
            select(c.client_id)
            .where(c.account_id == account_id, c.user_grant.is_(True))
            .distinct()
            .order_by(c.client_id)
        )
        found = list(self.conn.scalars(query))
        record(db_reads=len(found))
        return found

    def add_charge(self, charge: AppCharge) -> AppCharge:
        values = {k: v for k, v in asdict(charge).items() if k != "id"}
        key = self.conn.execute(insert(app_charges).values(values)).inserted_primary_key
        assert key is not None, "app_charges has an autoincrement primary key"
        record(db_writes=1)
        return replace(charge, id=int(key[0]))

    def charge(self, charge_id: int) -> AppCharge | None:
        row = self.conn.execute(select(app_charges).where(app_charges.c.id == charge_id)).first()
        record(db_reads=1 if row else 0)
        return _charge(row) if row else None

    def charges_of(self, account_id: int, status: ChargeStatus) -> list[AppCharge]:
        c = app_charges.c
        query = (
            select(app_charges)
            .where(c.account_id == account_id, c.status == status.value)
            .order_by(c.id.desc())
        )
        found = [_charge(row) for row in self.conn.execute(query)]
        record(db_reads=len(found))
        return found

    def move_charge(self, charge_id: int, old: ChargeStatus, new: ChargeStatus) -> bool:
        c = app_charges.c
        done = self.conn.execute(
            update(app_charges)
            .where(c.id == charge_id, c.status == old.value)
            .values(status=new.value)
        )
        record(db_writes=done.rowcount)
        return done.rowcount == 1
