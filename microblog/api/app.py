"""The application factory: one platform per app, built from `ServerSettings`."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from microblog.api.errors import ERROR_RESPONSES, install_error_handlers
from microblog.api.middleware import BodyLimitMiddleware, WorkHeaderMiddleware
from microblog.api.routers import (
    accounts,
    admin,
    ads,
    games,
    groups,
    money_admin,
    orders,
    posts,
    shop,
    wallet,
)
from microblog.api.routers.chat import router as chat_router
from microblog.api.routers.chat_socket import router as chat_socket_router
from microblog.api.settings import ServerSettings, settings_environment
from microblog.cache import open_cache
from microblog.platform import Microblog
from microblog.services.timelines import BackgroundFanout, run_inline
from microblog.store import open_store

ROUTERS = [accounts.router, posts.router, groups.router, admin.router]
ROUTERS += [chat_router, chat_socket_router]
ROUTERS += [wallet.router, games.router, shop.router, orders.router, money_admin.router]
ROUTERS += [ads.router]


def build_platform(settings: ServerSettings) -> tuple[Microblog, BackgroundFanout | None]:
    workers = settings.background_fanout_workers
    background = BackgroundFanout(workers) if workers else None
    blog = Microblog(
        open_store(settings.store),
        settings.platform,
        run_fanout=background or run_inline,
        cache=open_cache(settings.cache, settings.cache_prefix),
    )
    return blog, background


APP_FACTORY = "microblog.api.app:create_app"
"""What uvicorn calls in each server process: `create_app()` reads FANOUT_* variables."""


def export_settings(settings: ServerSettings) -> None:
    """Put the settings in this process's environment, where `create_app()` in the server
    processes it starts reads them (`fanout serve --workers N`)."""
    os.environ.update(settings_environment(settings))


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    """Build the app; the store opens at start-up and closes at shutdown."""
    settings = settings or ServerSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        blog, background = build_platform(settings)
        app.state.blog = blog
        yield
        if background:
            background.drain()
        blog.close()

    app = FastAPI(
        title="Fanout reference microblog",
        version="1",
        description="A Weibo-like microblog: the system under test of Fanout.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router, responses=ERROR_RESPONSES)

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(WorkHeaderMiddleware)
    return app
