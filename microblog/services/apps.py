"""Third-party apps: developers register them, rotate and revoke their secrets, operators
set their rate-limit tier, and users list and revoke the apps they authorised.

The OAuth 2.0 protocol itself (codes, PKCE, token and refresh grants, revocation) is
oauthlib's, driven by `microblog.services.oauth`; this module holds the records it reads
and the resource side: which account and scopes an app's bearer token stands for.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from microblog.app_models import App, AppToken, Scope
from microblog.errors import Forbidden, Invalid, NotFound, Unauthorized
from microblog.rate_limit_config import AppTier
from microblog.services.accounts import hash_token
from microblog.services.context import Context
from microblog.store.base import Tx


@dataclass(frozen=True, slots=True)
class Grant:
    """What an app token stands for on a call: whose account, which scopes, which app."""

    account_id: int
    scopes: frozenset[Scope]
    client_id: str
    tier: AppTier
    user_per_hour: int | None = None
    """The operator's per-app override of the tier's hourly calls per user."""


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def check_redirect_uris(uris: list[str], most: int) -> None:
    if not 1 <= len(uris) <= most:
        raise Invalid(f"give 1-{most} redirect URIs, got {len(uris)}", field="redirect_uris")
    for uri in uris:
        parts = urlsplit(uri)
        if parts.scheme not in ("https", "http") or not parts.netloc or parts.fragment:
            raise Invalid(
                f"redirect URI {uri!r} must be an absolute http(s) URL without a fragment",
                field="redirect_uris",
            )


class Apps:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def register(
        self, developer_id: int, name: str, redirect_uris: list[str], scopes: list[Scope]
    ) -> tuple[App, str]:
        """A new app at the normal tier and its client secret (shown once, kept hashed)."""
        if not 1 <= len(name.strip()) <= 100:
            raise Invalid("name must be 1-100 characters", field="name")
        check_redirect_uris(redirect_uris, self.ctx.config.apps.max_redirect_uris)
        if not scopes:
            raise Invalid("request at least one scope", field="scopes")
        secret = new_secret()
        with self.ctx.store.write() as tx:
            app = tx.apps.create(
                secrets.token_hex(12), hash_token(secret), developer_id, name.strip(),
                redirect_uris, sorted(set(scopes)), AppTier.NORMAL, self.ctx.clock(),
            )  # fmt: skip
        return app, secret

    def of_developer(self, developer_id: int) -> list[App]:
        with self.ctx.store.read() as tx:
            return tx.apps.of_developer(developer_id)

    def rotate_secret(self, developer_id: int, client_id: str) -> str:
        """A new secret; the old one stops working at once (tokens already issued stay)."""
        secret = new_secret()
        with self.ctx.store.write() as tx:
            self._own(tx, developer_id, client_id)
            tx.apps.set_secret(client_id, hash_token(secret))
        return secret

    def revoke(self, developer_id: int, client_id: str) -> None:
        """Retire the app: its secret, codes and every token stop working."""
        with self.ctx.store.write() as tx:
            self._own(tx, developer_id, client_id)
            tx.apps.revoke(client_id)

    def set_tier(self, client_id: str, tier: AppTier) -> App:
        """Operators move an app between the published authorisation levels."""
        with self.ctx.store.write() as tx:
            self._live(tx, client_id)
            tx.apps.set_tier(client_id, tier)
            app = tx.apps.get(client_id)
        assert app is not None
        return app

    def app(self, client_id: str) -> App:
        with self.ctx.store.read() as tx:
            return self._live(tx, client_id)

    def set_user_limit(self, client_id: str, user_per_hour: int | None) -> App:
        """Operators hold one app to its own calls per user per window (None: its tier's)."""
        with self.ctx.store.write() as tx:
            self._live(tx, client_id)
            tx.apps.set_user_limit(client_id, user_per_hour)
            app = tx.apps.get(client_id)
        assert app is not None
        return app

    def authorized(self, account_id: int) -> list[App]:
        """The apps holding a grant of the account."""
        with self.ctx.store.read() as tx:
            found = [tx.apps.get(c) for c in tx.apps.authorized_apps(account_id)]
        return [app for app in found if app is not None]

    def deauthorize(self, account_id: int, client_id: str) -> None:
        """The account withdraws every grant it gave the app."""
        with self.ctx.store.write() as tx:
            if not tx.apps.delete_grants(client_id, account_id):
                raise NotFound(f"app {client_id} holds no grant of yours")

    def account_for(self, token: str) -> int:
        """The account an app token acts for (what `Accounts` asks of app tokens)."""
        return self.grant(token).account_id

    def grant(self, token: str) -> Grant:
        """The account, scopes and app an app token stands for (401 if it is not live)."""
        with self.ctx.store.read() as tx:
            found = tx.apps.token(hash_token(token))
            app = tx.apps.get(found.client_id) if found else None
        if found is None or app is None or app.revoked or expired(found, self.ctx.clock()):
            raise Unauthorized("invalid, expired or revoked app token")
        return Grant(
            found.account_id, frozenset(found.scopes), app.client_id, app.tier,
            app.user_per_hour,
        )  # fmt: skip

    def _own(self, tx: Tx, developer_id: int, client_id: str) -> App:
        app = self._live(tx, client_id)
        if app.developer_id != developer_id:
            raise Forbidden(f"app {client_id} belongs to another developer")
        return app

    @staticmethod
    def _live(tx: Tx, client_id: str) -> App:
        app = tx.apps.get(client_id)
        if app is None or app.revoked:
            raise NotFound(f"no app {client_id}")
        return app


def expired(token: AppToken, now: float) -> bool:
    return token.expires_at <= now
