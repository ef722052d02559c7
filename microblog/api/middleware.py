"""Pure ASGI middleware: the work header and the request-body limit."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from microblog.api.errors import error_response
from microblog.work import WORK_HEADER, recording

_WORK_HEADER = WORK_HEADER.encode()
UPLOAD_SUFFIX = "/photos"
"""Paths of photo uploads (POST /albums/{id}/photos), which may carry a photo's bytes."""


class WorkHeaderMiddleware:
    """Return each request's recorded `Work` in a response header, for capacity calibration."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with recording() as work:

            async def send_with_work(message: Message) -> None:
                if message["type"] == "http.response.start":
                    header = (_WORK_HEADER, work.to_header().encode())
                    message["headers"] = [*message.get("headers", ()), header]
                await send(message)

            await self.app(scope, receive, send_with_work)


class BodyLimitMiddleware:
    """Refuse bodies over `max_bytes` with 413, whether declared up front or streamed.

    Photo uploads (POST .../photos) may carry `upload_bytes`: their refusal names the
    multipart field `file`, so an oversize photo is refused before it is read, as the
    service would refuse it after.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, upload_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_bytes = upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared, chunked = _framing(scope["headers"])
        if declared is None and not chunked:  # no body at all (RFC 9112 §6.3): most reads
            await self.app(scope, receive, send)
            return
        upload = scope["method"] == "POST" and scope["path"].endswith(UPLOAD_SUFFIX)
        limit, field = (self.upload_bytes, "file") if upload else (self.max_bytes, None)
        if declared is not None and declared.isdigit():
            if int(declared) > limit:
                await self._refuse(scope, receive, send, limit, field)
                return
            if not chunked:  # the HTTP server holds the body to its declared length
                await self.app(scope, receive, send)
                return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge
            return message

        try:
            await self.app(scope, counting_receive, send)
        except BodyTooLarge:
            await self._refuse(scope, receive, send, limit, field)

    @staticmethod
    async def _refuse(
        scope: Scope, receive: Receive, send: Send, limit: int, field: str | None
    ) -> None:
        message = f"request body is larger than {limit} bytes"
        if field is not None:
            message = f"{field}: a photo upload's body may be at most {limit} bytes"
        await error_response(413, "payload_too_large", message, field)(scope, receive, send)


class BodyTooLarge(Exception):
    pass


def _framing(headers: list[tuple[bytes, bytes]]) -> tuple[bytes | None, bool]:
    """The declared Content-Length, if any, and whether the body is chunked: a request with
    neither has no body, and one with a length gets no more than it declares (the HTTP
    server frames it), so only a chunked body needs counting as it streams."""
    declared, chunked = None, False
    for name, value in headers:
        if name == b"content-length":
            declared = value
        elif name == b"transfer-encoding":
            chunked = True
    return declared, chunked
