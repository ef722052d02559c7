"""The application factory: one platform per app, built from `ServerSettings`."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI

from microblog.api.errors import ERROR_RESPONSES, install_error_handlers
from microblog.api.middleware import BodyLimitMiddleware, WorkHeaderMiddleware
from microblog.api.routers import (
    accounts,
    admin,
    ads,
    albums,
    games,
    groups,
    money_admin,
    orders,
    photos,
    posts,
    shop,
    wallet,
)
from microblog.api.routers.chat import router as chat_router
from microblog.api.routers.chat_socket import router as chat_socket_router
from microblog.api.routers.live import router as live_router
from microblog.api.routers.live_socket import router as live_socket_router
from microblog.api.settings import ServerSettings
from microblog.cache import CacheTier, open_cache
from microblog.fanout import FanoutQueueFactory, delivered_by_worker_processes
from microblog.fanout.local import InlineQueue, ThreadQueue
from microblog.fanout.stream import stream_queue
from microblog.media.store import open_media_store
from microblog.platform import Microblog
from microblog.store import open_store

ROUTERS = [accounts.router, posts.router, groups.router, admin.router]
ROUTERS += [chat_router, chat_socket_router]
ROUTERS += [wallet.router, games.router, shop.router, orders.router, money_admin.router]
ROUTERS += [ads.router, albums.router, photos.router, live_router, live_socket_router]


def build_platform(settings: ServerSettings) -> Microblog:
    cache = open_cache(settings.cache, settings.cache_prefix)
    return Microblog(
        open_store(settings.store),
        settings.platform,
        fanout=fanout_queue(settings, cache),
        cache=cache,
        media=open_media_store(settings.media_location()),
    )


def fanout_queue(settings: ServerSettings, cache: CacheTier) -> FanoutQueueFactory:
    """Redis when worker processes can deliver (`fanout serve` or `fanout fanout-worker`
    runs them), else threads of this process, or inline when it is given none or asked to."""
    if settings.fanout_delivery == "inline":
        return InlineQueue
    if delivered_by_worker_processes(settings.store, settings.cache):
        return stream_queue(cache, settings.fanout_queue)
    threads = settings.background_fanout_workers
    return partial(ThreadQueue, workers=threads) if threads else InlineQueue


async def healthz() -> dict[str, str]:
    """Liveness, as cheap as an answer can be: a coroutine, so a probe never waits behind
    the threadpool that database calls fill, and the first route, because routes are
    matched in order and trying every API route first costs ~3 µs each (measured at
    FastAPI 0.165, 74 API routes: a quarter of a millisecond)."""
    return {"status": "ok"}


APP_FACTORY = "microblog.api.app:create_app"
"""What uvicorn calls in each server process: `create_app()` reads FANOUT_* variables."""


def export_settings(settings: ServerSettings) -> None:
    """Put the settings in this process's environment, where `create_app()` in the server
    processes it starts reads them (`fanout serve --workers N`)."""
    os.environ.update(settings.environment())


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    """Build the app; the store opens at start-up and closes at shutdown."""
    settings = settings or ServerSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        blog = build_platform(settings)
        app.state.blog = blog
        yield
        blog.close()

    app = FastAPI(
        title="Fanout reference microblog",
        version="1",
        description="A Weibo-like microblog: the system under test of Fanout.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.add_api_route("/healthz", healthz, tags=["ops"])  # first: see healthz
    for router in ROUTERS:
        app.include_router(router, responses=ERROR_RESPONSES)
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        upload_bytes=settings.platform.media.max_photo_bytes + settings.upload_envelope_bytes,
    )
    app.add_middleware(WorkHeaderMiddleware)
    return app
