"""Shared dependencies as `Annotated` aliases: the platform, the caller, the operator."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from microblog.api.offload import run_sync
from microblog.errors import Forbidden, Unauthorized
from microblog.models import Account
from microblog.platform import Microblog

_bearer = HTTPBearer(auto_error=False, description="Token from POST /auth/token")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


async def get_blog(request: Request) -> Microblog:
    """Async because it does no I/O: FastAPI runs a sync dependency on its threadpool, a
    hop that costs more than the lookup on every request."""
    return blog_of(request)


Blog = Annotated[Microblog, Depends(get_blog)]


async def bearer_token(credentials: Credentials) -> str:
    if credentials is None:
        raise Unauthorized("missing bearer token: send 'Authorization: Bearer <token>'")
    return credentials.credentials


BearerToken = Annotated[str, Depends(bearer_token)]
"""The caller's token, unchecked: a hot read path resolves it inside its own (sync) body
with `Accounts.account_id_for`, a cache read, rather than in a sync dependency, which
FastAPI would run as a second hop through its threadpool."""


async def current_account(request: Request, credentials: Credentials) -> Account:
    """The caller's whole account, for a handler that needs more than its id (its role,
    profile or verification): one store read per request, even for a known token."""
    token, blog = await bearer_token(credentials), blog_of(request)
    return await run_sync(blog.accounts.authenticate, token)


CurrentAccount = Annotated[Account, Depends(current_account)]


async def current_account_id(request: Request, credentials: Credentials) -> int:
    """Only the caller's id, which is all most handlers need: a first-party token this
    process knows costs no round trip (an app token's grant is still checked each time),
    where `current_account` reads the account's row on every request.

    Both resolve the token in their own body rather than through `BearerToken` and `Blog`:
    nearly every route asks for the caller, and FastAPI 0.165 spends ~10-15 µs solving
    each dependency level, per request."""
    token, blog = await bearer_token(credentials), blog_of(request)
    return await run_sync(blog.accounts.account_id_for, token)


CurrentAccountId = Annotated[int, Depends(current_account_id)]


def blog_of(request: Request) -> Microblog:
    """The platform the app serves, read off the app (no dependency to solve)."""
    blog: Microblog = request.app.state.blog
    return blog


async def require_operator(request: Request, credentials: Credentials) -> None:
    expected = request.app.state.settings.operator_token
    if expected is None:
        raise Forbidden("operator endpoints are disabled: start the server with an operator token")
    if credentials is None or not hmac.compare_digest(credentials.credentials, expected):
        raise Unauthorized("operator token required")


Operator = Depends(require_operator)
