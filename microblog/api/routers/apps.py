"""Third-party apps: developers register and manage them; users list and revoke the apps
they authorised; operators set an app's tier or its own per-user limit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from microblog.api.app_schemas import (
    AppCreate,
    AppCreated,
    AppLimitsPublic,
    AppPublic,
    LimitsUpdate,
    SecretPublic,
    TierUpdate,
)
from microblog.api.deps import Blog, CurrentAccountId, Operator
from microblog.api.offload import LoopRoute

router = APIRouter(prefix="/apps", tags=["apps"], route_class=LoopRoute)
admin_router = APIRouter(prefix="/admin/apps", tags=["admin"], dependencies=[Operator])

ClientId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[0-9a-f]+$")]


@router.post("", status_code=status.HTTP_201_CREATED)
def register(body: AppCreate, account_id: CurrentAccountId, blog: Blog) -> AppCreated:
    """Register an app (normal tier); the secret is in this answer only."""
    app, secret = blog.apps.register(account_id, body.name, body.redirect_uris, body.scopes)
    return AppCreated(**AppPublic.of(app).model_dump(), client_secret=secret)


@router.get("")
def mine(account_id: CurrentAccountId, blog: Blog) -> list[AppPublic]:
    """The caller's own apps, newest first."""
    return [AppPublic.of(app) for app in blog.apps.of_developer(account_id) if not app.revoked]


@router.get("/authorized")
def authorized(account_id: CurrentAccountId, blog: Blog) -> list[AppPublic]:
    """The apps the caller has authorised (holding a token of theirs)."""
    return [AppPublic.of(app) for app in blog.apps.authorized(account_id)]


@router.delete("/authorized/{client_id}", status_code=status.HTTP_204_NO_CONTENT)
def deauthorize(client_id: ClientId, account_id: CurrentAccountId, blog: Blog) -> None:
    """Withdraw every grant the caller gave the app: its tokens stop working at once."""
    blog.apps.deauthorize(account_id, client_id)


@router.post("/{client_id}/secret")
def rotate_secret(client_id: ClientId, account_id: CurrentAccountId, blog: Blog) -> SecretPublic:
    return SecretPublic(client_secret=blog.apps.rotate_secret(account_id, client_id))


@router.delete("/{client_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke(client_id: ClientId, account_id: CurrentAccountId, blog: Blog) -> None:
    """Retire the app: its secret, pending codes and every token stop working."""
    blog.apps.revoke(account_id, client_id)


@admin_router.put("/{client_id}/tier")
def set_tier(client_id: ClientId, body: TierUpdate, blog: Blog) -> AppPublic:
    """Move the app to another published authorisation level (its per-user hourly calls)."""
    return AppPublic.of(blog.apps.set_tier(client_id, body.tier))


@admin_router.get("/{client_id}/limits")
def get_limits(client_id: ClientId, blog: Blog) -> AppLimitsPublic:
    """The app's calls per authorised user per window: its tier's, or the operator's own."""
    return AppLimitsPublic.of(blog.apps.app(client_id), blog.config.rate_limits)


@admin_router.put("/{client_id}/limits")
def set_limits(client_id: ClientId, body: LimitsUpdate, blog: Blog) -> AppLimitsPublic:
    """Hold the app to its own per-user limit (null: back to its tier's); its tokens meet
    it from their next call, counted in a window of its own."""
    app = blog.apps.set_user_limit(client_id, body.user_per_hour)
    return AppLimitsPublic.of(app, blog.config.rate_limits)
