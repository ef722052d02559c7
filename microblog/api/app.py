"""The application factory: one platform per app, built from `ServerSettings`."""

from __future__ import annotations

import gc
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from anyio import to_thread
from fastapi import FastAPI

from microblog.api import rate_limits
from microblog.api.errors import ERROR_RESPONSES, install_error_handlers
from microblog.api.middleware import BodyLimitMiddleware, WorkHeaderMiddleware
from microblog.api.offload import HandlerPlacement
from microblog.api.rate_limits import CountCall, install_throttle_handler
from microblog.api.routers import (
    accounts,
    admin,
    ads,
    albums,
    app_charges,
    apps,
    certifications,
    charges,
    fanservice,
    games,
    groups,
    memberships,
    money_admin,
    oauth,
    orders,
    photos,
    posts,
    push,
    shop,
    timeline,
    wallet,
)
from microblog.api.routers.chat import router as chat_router
from microblog.api.routers.chat_socket import router as chat_socket_router
from microblog.api.routers.live import router as live_router
from microblog.api.routers.live_socket import router as live_socket_router
from microblog.api.scopes import EnforceScope
from microblog.api.settings import ServerSettings
from microblog.cache.hot_pages import open_hot_pages
from microblog.deployment import build_platform

ROUTERS = [photos.router, timeline.router]  # first: see their modules
# then by traffic (baseline's trace replayed: the feed with ads, chat, pushes, reactions,
# apps' polls), since a request tries the routes in order: ~3 us each at FastAPI 0.165,
# and the push outbox, an eighth of baseline's requests, came last, behind 143 others.
# No two routers' paths overlap, so the order decides no match.
ROUTERS += [ads.router, chat_socket_router, push.router, chat_router, posts.router]
ROUTERS += [accounts.router, albums.router, groups.router]
ROUTERS += [wallet.router, games.router, shop.router, orders.router, live_router]
ROUTERS += [live_socket_router, fanservice.router, memberships.router, apps.router]
ROUTERS += [oauth.router, charges.router, app_charges.router, certifications.router]
ROUTERS += [rate_limits.router, admin.router, money_admin.router, certifications.admin_router]
ROUTERS += [apps.admin_router, memberships.admin_router]
SOCKETS = [chat_socket_router, live_socket_router]
"""Routers of WebSockets: no HTTP response to carry a scope refusal or a limit's headers."""
UNCOUNTED = [admin.router, money_admin.router, certifications.admin_router, rate_limits.router]
UNCOUNTED += [apps.admin_router, memberships.admin_router, *SOCKETS]
"""Routers whose calls count against no rate limit: the operator's, the status itself and
the sockets."""


async def healthz() -> dict[str, str]:
    """Liveness, as cheap as an answer can be: a coroutine, so a probe never waits behind
    the threadpool that database calls fill, and the first route, because routes are
    matched in order and trying every API route first costs ~3 µs each (measured at
    FastAPI 0.165, 74 API routes: a quarter of a millisecond)."""
    return {"status": "ok"}


FULL_COLLECTION_EVERY = 100
"""Collections of the middle generation between two of the oldest (Python's default: 10)."""


@contextmanager
def quiet_collector() -> Iterator[None]:
    """While the server runs, keep the garbage collector's full scans short and rare.

    A full collection scans every live object the collector tracks and stops every request
    meanwhile. Imports, FastAPI's routes and the platform leave ~200,000 objects that live
    as long as the process, and each chat socket a few hundred more: replaying a baseline
    evening (~265 requests a second, benchmarks/README.md, "Load test against simulation"),
    a full collection came every ~8 s and took 0.3-0.45 s, the p99 of every path. So what
    start-up left alive is frozen (`gc.freeze`: never scanned again, freed as usual when its
    last reference goes), and full collections run a tenth as often; younger generations,
    where nearly all garbage is, are collected as before. Both are undone at shutdown (an
    app started inside a test leaves the process's collector as it found it).

    Only the young generations are collected before freezing: what building the platform
    just left behind is there, and a full collection at start-up found nothing more in a
    new server process (0 objects, 178 ms) while costing every app a test starts ~0.2 s
    (a test process's heap is larger: `test_http.py`'s 44 tests took 40 s with it, 26 s
    without).
    """
    gc.collect(1)
    gc.freeze()
    threshold = gc.get_threshold()
    gc.set_threshold(threshold[0], threshold[1], FULL_COLLECTION_EVERY)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


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
        to_thread.current_default_thread_limiter().total_tokens = settings.request_threads
        blog = build_platform(settings)
        app.state.blog = blog
        timelines = blog.timelines
        hot_pages = open_hot_pages(blog.ctx.cache, timelines.cache, timelines.bodies)
        app.state.hot_pages = hot_pages
        with quiet_collector():
            yield
        if hot_pages is not None:
            await hot_pages.aclose()
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
    install_throttle_handler(app)
    counted = [CountCall] if settings.platform.rate_limits.enabled else []
    for router in ROUTERS:
        limits = [] if router in UNCOUNTED else counted
        scoped = [] if router in SOCKETS else [EnforceScope]
        app.include_router(router, responses=ERROR_RESPONSES, dependencies=scoped + limits)
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        upload_bytes=settings.platform.media.max_photo_bytes + settings.upload_envelope_bytes,
    )
    app.add_middleware(WorkHeaderMiddleware)
    app.add_middleware(HandlerPlacement, on_loop=settings.handlers_on_loop())
    return app
