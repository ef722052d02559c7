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
    developer_id: int | None
    """The developer's account; None for a game of the platform's catalogue, whose earnings
    go to the game's developer ledger account instead."""
    name: str
    redirect_uris: list[str]
    scopes: list[Scope]
    tier: AppTier
    created_at: float
    revoked: bool = False
    game_id: int | None = None
    """The catalogue game this app is (`microblog.services.games`), else None."""
    user_per_hour: int | None = None
    """An operator's override of the tier's calls per user per window, else None."""


GAME_CLIENT_PREFIX = "game-"
"""Client ids of the catalogue's game apps: `game-<game id>` (never a registered app's,
which are hexadecimal)."""


def game_client_id(game_id: int) -> str:
    return f"{GAME_CLIENT_PREFIX}{game_id}"


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


class ChargeStatus(StrEnum):
    """Where an app charge stands: only `paid` (and then `refunded`) moved coins."""

    PENDING = "pending"
    """Asked by the app; waiting for the user to confirm or decline until `expires_at`."""
    PAID = "paid"
    DECLINED = "declined"
    EXPIRED = "expired"
    """Not confirmed in time (`apps.pending_charge_ttl_s`); never pays."""
    REFUNDED = "refunded"


@dataclass(frozen=True, slots=True)
class AppCharge:
    """Coins an app asked a user for an item: once paid, the developer and the platform
    split them."""

    id: int
    client_id: str
    account_id: int
    developer_id: int | None
    """None for a catalogue game's charge (paid to the game's developer ledger account)."""
    item: str
    amount_fen: int
    developer_fen: int
    platform_fen: int
    created_at: float
    status: ChargeStatus = ChargeStatus.PAID
    expires_at: float | None = None
    """When a pending charge lapses; None once it was settled at once."""
