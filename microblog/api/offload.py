"""Where a synchronous handler runs: on the event loop, or on the threadpool.

FastAPI runs every `def` endpoint and dependency on anyio's threadpool, which is right
when a handler waits on something outside the process (PostgreSQL and Redis over the
network, a payment gateway, a developer's server): the loop serves other requests
meanwhile. A store in the server's own process (SQLite, or memory) never makes a handler
wait that way: its work is Python holding the GIL, and the hop only adds cost. Worse, the
event loop, which does most of a request's work (HTTP, routing, validation, the response),
then competes for the GIL with every busy thread and waits up to the interpreter's switch
interval (5 ms) each time it wants it back, so a one-process SQLite server stalled at
~200 requests/s with its CPU to spare (issue 18; benchmarks/README.md, "Load test against
simulation"). So, with such a store, handlers run on the loop: every route of a router
built with `LoopRoute`, every dependency wrapped by `placed`, every call through
`run_sync`; a handler marked `@waits` (it sleeps on a gateway, resolves a host name or
runs Pillow, which releases the GIL) keeps the threadpool. `ServerSettings.handlers`
chooses (`auto`: the loop exactly when the store and the cache tier are both in this
process); `HandlerPlacement` tells each request.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

P = ParamSpec("P")
R = TypeVar("R")

ON_LOOP: ContextVar[bool] = ContextVar("fanout_handlers_on_loop", default=False)
"""Whether this request's synchronous handlers run on the event loop (set per request)."""

_WAITS = "__fanout_waits__"


async def run_sync(function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Call `function` on the loop when this request's handlers run there, else on the
    threadpool."""
    if ON_LOOP.get():
        return function(*args, **kwargs)
    return await run_in_threadpool(function, *args, **kwargs)


def waits(function: Callable[P, R]) -> Callable[P, R]:
    """Mark a synchronous endpoint that waits outside the interpreter (a sleep, a name
    lookup, I/O or C code that releases the GIL): it keeps the threadpool everywhere."""
    setattr(function, _WAITS, True)
    return function


def placed(function: Callable[P, R]) -> Callable[P, Any]:
    """An async stand-in for a synchronous endpoint or dependency that runs it where the
    request's handlers run. FastAPI reads the parameters and annotations through
    `__wrapped__`, so injection and the response model are unchanged."""

    @functools.wraps(function)
    async def call(*args: P.args, **kwargs: P.kwargs) -> R:
        return await run_sync(function, *args, **kwargs)

    return call


class LoopRoute(APIRoute):
    """A route whose synchronous endpoint is `placed` unless marked `@waits`."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if _plain_function(endpoint) and not getattr(endpoint, _WAITS, False):
            endpoint = placed(endpoint)
        super().__init__(path, endpoint, **kwargs)


def _plain_function(function: Callable[..., Any]) -> bool:
    """Neither a coroutine nor a generator of either kind: a generator endpoint streams its
    items (FastAPI iterates it on the threadpool), which a stand-in returning the generator
    object would not."""
    return not (
        inspect.iscoroutinefunction(function)
        or inspect.isasyncgenfunction(function)
        or inspect.isgeneratorfunction(function)
    )


class HandlerPlacement:
    """Tell each request (and WebSocket) whether its handlers run on the loop."""

    def __init__(self, app: ASGIApp, on_loop: bool) -> None:
        self.app = app
        self.on_loop = on_loop

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = ON_LOOP.set(self.on_loop)
        try:
            await self.app(scope, receive, send)
        finally:
            ON_LOOP.reset(token)
