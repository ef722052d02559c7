"""The reference of the HTTP benchmarks: the same web stack (FastAPI under uvicorn) doing
nothing but return a constant, so the ratio to it isolates the microblog's own cost."""

from __future__ import annotations

from fastapi import FastAPI

BARE_PATH = "/bare"
"""A synchronous endpoint (run in the threadpool), as the microblog's API endpoints are."""
HEALTHZ_PATH = "/healthz"
"""The microblog's health check exactly (a coroutine): the reference of its middleware cost."""


def create_app() -> FastAPI:
    app = FastAPI()

    @app.get(HEALTHZ_PATH)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(BARE_PATH)
    def bare() -> dict[str, bool]:
        return {"ok": True}

    return app
