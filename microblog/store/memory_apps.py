"""Apps, authorization codes and app tokens in memory (twin of `sql/apps.py`)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from microblog.app_models import App, AppCharge, AppToken, AuthCode, ChargeStatus, Scope
from microblog.errors import Conflict
from microblog.rate_limit_config import AppTier
from microblog.store.records import replace
from microblog.work import record


@dataclass
class AppData:
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    apps: dict[str, App] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    codes: dict[str, AuthCode] = field(default_factory=dict)
    tokens: dict[str, AppToken] = field(default_factory=dict)
    refresh: dict[str, str] = field(default_factory=dict)
    """Refresh hash -> access hash."""
    charge_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    charges: dict[int, AppCharge] = field(default_factory=dict)


class MemoryApps:
    def __init__(self, data: AppData) -> None:
        self.d = data

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
        if client_id in self.d.apps:
            raise Conflict(f"client id {client_id!r} is taken")
        app = App(
            next(self.d.ids), client_id, developer_id, name, list(redirect_uris), list(scopes),
            tier, created_at, game_id=game_id,
        )  # fmt: skip
        self.d.apps[client_id] = app
        self.d.secrets[client_id] = secret_hash
        record(db_writes=1)
        return app

    def get(self, client_id: str) -> App | None:
        app = self.d.apps.get(client_id)
        record(db_reads=1 if app else 0)
        return app

    def secret_hash(self, client_id: str) -> str | None:
        record(db_reads=1)
        return self.d.secrets.get(client_id)

    def of_developer(self, developer_id: int) -> list[App]:
        apps = [a for a in self.d.apps.values() if a.developer_id == developer_id]
        record(db_reads=len(apps))
        return sorted(apps, key=lambda a: -a.id)

    def set_secret(self, client_id: str, secret_hash: str) -> None:
        self.d.secrets[client_id] = secret_hash
        record(db_writes=1)

    def set_tier(self, client_id: str, tier: AppTier) -> None:
        self.d.apps[client_id] = replace(self.d.apps[client_id], tier=tier)
        record(db_writes=1)

    def set_user_limit(self, client_id: str, user_per_hour: int | None) -> None:
        self.d.apps[client_id] = replace(self.d.apps[client_id], user_per_hour=user_per_hour)
        record(db_writes=1)

    def revoke(self, client_id: str) -> None:
        self.d.apps[client_id] = replace(self.d.apps[client_id], revoked=True)
        for code_hash in [h for h, c in self.d.codes.items() if c.client_id == client_id]:
            del self.d.codes[code_hash]
        for token in [t for t in self.d.tokens.values() if t.client_id == client_id]:
            self.delete_token(token.access_hash)
        record(db_writes=1)

    def add_code(self, code: AuthCode) -> None:
        self.d.codes[code.code_hash] = code
        record(db_writes=1)

    def take_code(self, code_hash: str) -> AuthCode | None:
        code = self.d.codes.pop(code_hash, None)
        record(db_writes=1 if code else 0)
        return code

    def peek_code(self, code_hash: str) -> AuthCode | None:
        record(db_reads=1)
        return self.d.codes.get(code_hash)

    def add_token(self, token: AppToken) -> None:
        self.d.tokens[token.access_hash] = token
        if token.refresh_hash is not None:
            self.d.refresh[token.refresh_hash] = token.access_hash
        record(db_writes=1)

    def token(self, access_hash: str) -> AppToken | None:
        record(db_reads=1)
        return self.d.tokens.get(access_hash)

    def token_by_refresh(self, refresh_hash: str) -> AppToken | None:
        access_hash = self.d.refresh.get(refresh_hash)
        return self.token(access_hash) if access_hash is not None else None

    def delete_token(self, access_hash: str) -> bool:
        token = self.d.tokens.pop(access_hash, None)
        if token is None:
            return False
        if token.refresh_hash is not None:
            self.d.refresh.pop(token.refresh_hash, None)
        record(db_writes=1)
        return True

    def delete_grants(self, client_id: str, account_id: int) -> int:
        doomed = [
            t.access_hash
            for t in self.d.tokens.values()
            if t.client_id == client_id and t.account_id == account_id and t.user_grant
        ]
        return sum(self.delete_token(h) for h in doomed)

    def authorized_apps(self, account_id: int) -> list[str]:
        found = {
            t.client_id
            for t in self.d.tokens.values()
            if t.account_id == account_id and t.user_grant
        }
        record(db_reads=len(found))
        return sorted(found)

    def add_charge(self, charge: AppCharge) -> AppCharge:
        stored = replace(charge, id=next(self.d.charge_ids))
        self.d.charges[stored.id] = stored
        record(db_writes=1)
        return stored

    def charge(self, charge_id: int) -> AppCharge | None:
        found = self.d.charges.get(charge_id)
        record(db_reads=1 if found else 0)
        return found

    def charges_of(self, account_id: int, status: ChargeStatus) -> list[AppCharge]:
        found = [
            c for c in self.d.charges.values() if c.account_id == account_id and c.status == status
        ]
        record(db_reads=len(found))
        return sorted(found, key=lambda c: -c.id)

    def move_charge(self, charge_id: int, old: ChargeStatus, new: ChargeStatus) -> bool:
        found = self.d.charges[charge_id]
        if found.status != old:
            return False
        self.d.charges[charge_id] = replace(found, status=new)
        record(db_writes=1)
        return True
