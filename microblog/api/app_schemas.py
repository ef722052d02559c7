"""Wire formats of third-party apps."""

from __future__ import annotations

from pydantic import BaseModel, Field

from microblog.api.schemas import Body
from microblog.app_models import App, Scope
from microblog.rate_limit_config import AppTier


class AppCreate(Body):
    name: str = Field(min_length=1, max_length=100)
    redirect_uris: list[str] = Field(
        min_length=1, max_length=10, description="Absolute http(s) URLs the code may go to."
    )
    scopes: list[Scope] = Field(min_length=1, description="What the app may ask users for.")


class AppPublic(BaseModel):
    client_id: str
    name: str
    developer_id: int
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
