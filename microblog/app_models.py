"""Third-party apps of the open platform and the grants users give them (OAuth 2.0).

Weibo's API v2 replaced OAuth 1.0 with OAuth 2.0 and scoped access. An app belongs to
its developer's account; its secret, authorization codes and tokens are stored only as
hashes, so a leaked database holds no usable credential.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from microblog.rate_limit_config import AppTier

APP_TOKEN_PREFIX = "app_"
"""App access tokens start with this, so a first-party token is never looked up as one."""


def is_app_token(token: str) -> bool:
    return token.startswith(APP_TOKEN_PREFIX)


class Scope(StrEnum):
    """What a token may do: the API checks each call's scope (`microblog.api.scopes`)."""

    READ = "read"
    POST = "post"
    MESSAGES = "messages"
    PAYMENTS = "payments"


@dataclass(frozen=True, slots=True)
class App:
    id: int
    client_id: str
    developer_id: int
    name: str
    redirect_uris: list[str]
    scopes: list[Scope]
    tier: AppTier
    created_at: float
    revoked: bool = False


@dataclass(frozen=True, slots=True)
class AuthCode:
    """An authorization code between the user's consent and the app's token request."""

    code_hash: str
    client_id: str
    account_id: int
    redirect_uri: str
    scopes: list[Scope]
    code_challenge: str
    challenge_method: str
    expires_at: float


@dataclass(frozen=True, slots=True)
class AppToken:
    """An access token (and its refresh token) of an app, for a user or (client
    credentials) for the app itself, acting as its developer with read scope."""

    access_hash: str
    refresh_hash: str | None
    client_id: str
    account_id: int
    user_grant: bool
    """True when a user authorised it; False for the app's own (client-credentials) token."""
    scopes: list[Scope]
    expires_at: float
    created_at: float


@dataclass(frozen=True, slots=True)
class AppCharge:
    """Coins a user paid an app for an item: the developer and the platform split them."""

    id: int
    client_id: str
    account_id: int
    developer_id: int
    item: str
    amount_fen: int
    developer_fen: int
    platform_fen: int
    created_at: float
    refunded: bool = False
