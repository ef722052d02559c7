"""Every error is JSON: `{"error": code, "message": text, "field": dotted.path | null}`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from microblog.errors import DomainError


class ErrorPublic(BaseModel):
    """The body of every 4xx answer, so clients (and the schema) know one error shape."""

    error: str = Field(description="A stable code: invalid, not_found, conflict, ...")
    message: str = Field(description="What was wrong, for a person to act on.")
    field: str | None = Field(description="The dotted path of the offending input, if any.")


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorPublic, "description": "Refused: the body says why."}
}
"""Documented on every router (it replaces FastAPI's own 422 schema, which we never send)."""


def error_response(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    body = ErrorPublic(error=code, message=message, field=field)
    return JSONResponse(body.model_dump(), status_code=status)


def _describe(error: Mapping[str, Any]) -> tuple[str, str]:
    loc = [str(part) for part in error.get("loc", ()) if part != "body"]
    field = ".".join(loc) or "body"
    return field, f"{field}: {error.get('msg')}"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def on_domain_error(_: Request, exc: DomainError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.field)

    @app.exception_handler(RequestValidationError)
    async def on_invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        described = [_describe(e) for e in exc.errors()]
        message = "; ".join(text for _, text in described)
        return error_response(422, "invalid", message, described[0][0] if described else None)

    @app.exception_handler(HTTPException)
    async def on_http_error(_: Request, exc: HTTPException) -> JSONResponse:
        code = {401: "unauthorized", 404: "not_found", 405: "method_not_allowed"}
        return error_response(exc.status_code, code.get(exc.status_code, "error"), str(exc.detail))
