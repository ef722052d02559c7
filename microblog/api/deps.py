"""Shared dependencies as `Annotated` aliases: the platform, the caller, the operator."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from microblog.errors import Forbidden, Unauthorized
from microblog.models import Account
from microblog.platform import Microblog

_bearer = HTTPBearer(auto_error=False, description="Token from POST /auth/token")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def get_blog(request: Request) -> Microblog:
    blog: Microblog = request.app.state.blog
    return blog


Blog = Annotated[Microblog, Depends(get_blog)]


def _token(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None:
        raise Unauthorized("missing bearer token: send 'Authorization: Bearer <token>'")
    return credentials.credentials


def current_account(blog: Blog, credentials: Credentials) -> Account:
    return blog.accounts.authenticate(_token(credentials))


def current_account_id(blog: Blog, credentials: Credentials) -> int:
    return blog.accounts.account_id_for(_token(credentials))


CurrentAccount = Annotated[Account, Depends(current_account)]
CurrentAccountId = Annotated[int, Depends(current_account_id)]
"""The caller's id only, for hot read paths: a cached token needs no store query."""


def require_operator(request: Request, credentials: Credentials) -> None:
    expected = request.app.state.settings.operator_token
    if expected is None:
        raise Forbidden("operator endpoints are disabled: start the server with an operator token")
    if credentials is None or not hmac.compare_digest(credentials.credentials, expected):
        raise Unauthorized("operator token required")


Operator = Depends(require_operator)
