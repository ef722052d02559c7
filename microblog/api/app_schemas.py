"""Wire formats of third-party apps."""

from __future__ import annotations

from pydantic import BaseModel, Field

from microblog.api.money_schemas import Fen
from microblog.api.schemas import Body
from microblog.app_models import App, AppCharge, ChargeStatus, Scope
from microblog.rate_limit_config import AppTier, RateLimitConfig


class AppCreate(Body):
    name: str = Field(min_length=1, max_length=100)
    redirect_uris: list[str] = Field(
        min_length=1, max_length=10, description="Absolute http(s) URLs the code may go to."
    )
    scopes: list[Scope] = Field(min_length=1, description="What the app may ask users for.")


class AppPublic(BaseModel):
    client_id: str
    name: str
    developer_id: int | None = Field(description="None for a catalogue game (sold via /games).")
    redirect_uris: list[str]
    scopes: list[Scope]
    tier: AppTier

    @classmethod
    def of(cls, app: App) -> AppPublic:
        return cls(
            client_id=app.client_id,
            name=app.name,
            developer_id=app.developer_id,
            redirect_uris=app.redirect_uris,
            scopes=app.scopes,
            tier=app.tier,
        )


class AppCreated(AppPublic):
    client_secret: str = Field(description="Shown once: only its hash is kept.")


class SecretPublic(BaseModel):
    client_secret: str = Field(description="The new secret, shown once; the old one is dead.")


class TierUpdate(Body):
    tier: AppTier = Field(description="normal, medium or advanced: the hourly calls per user.")


class LimitsUpdate(Body):
    user_per_hour: int | None = Field(
        ge=1,
        description="The app's calls per authorised user per window, overriding its tier's; "
        "null returns the app to its tier's.",
    )


class AppLimitsPublic(BaseModel):
    """An app's per-user limit as the rate limiter applies it."""

    client_id: str
    tier: AppTier
    tier_user_per_hour: int = Field(description="What the app's tier allows.")
    override_user_per_hour: int | None = Field(description="The operator's setting, if any.")
    user_per_hour: int = Field(description="The limit in force: the override, else the tier's.")
    window_s: int = Field(description="The window the limit counts in (HOURS).")

    @classmethod
    def of(cls, app: App, limits: RateLimitConfig) -> AppLimitsPublic:
        return cls(
            client_id=app.client_id,
            tier=app.tier,
            tier_user_per_hour=limits.per_user(app.tier),
            override_user_per_hour=app.user_per_hour,
            user_per_hour=limits.per_user(app.tier, app.user_per_hour),
            window_s=limits.window_s,
        )


class ChargeCreate(Body):
    item: str = Field(min_length=1, max_length=100, description="What the user buys.")
    amount_fen: Fen = Field(description="Price in fen (600 = 6 coins).")


class ChargePublic(BaseModel):
    id: int
    client_id: str
    account_id: int
    developer_id: int | None = Field(description="None for a catalogue game's charge.")
    item: str
    amount_fen: int
    developer_fen: int
    platform_fen: int
    created_at: float
    status: ChargeStatus
    expires_at: float | None = Field(description="When a pending charge lapses unpaid.")

    @classmethod
    def of(cls, charge: AppCharge) -> ChargePublic:
        return cls.model_validate(charge, from_attributes=True)
