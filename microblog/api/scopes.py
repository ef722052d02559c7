"""Which scope each call needs of an app token, checked once per call before the route.

First-party tokens may do anything their account may; an app token only what its scopes
allow. One table by path, so a new route falls under a rule without being listed:
chat is `messages`, money is `payments`, any other read is `read` and any other write
is `post`. App management, consent, certification and login are first-party only.
"""

from __future__ import annotations

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from microblog.api.deps import Blog
from microblog.app_models import Scope, is_app_token
from microblog.errors import Forbidden

FIRST_PARTY_ONLY = ("/apps", "/oauth", "/certifications", "/auth", "/admin")
BY_PREFIX = (
    ("/chat", Scope.MESSAGES),
    ("/wallets", Scope.PAYMENTS),
    ("/games/items", Scope.PAYMENTS),
    ("/orders", Scope.PAYMENTS),
    ("/me/orders", Scope.PAYMENTS),
    ("/me/membership", Scope.PAYMENTS),
    ("/campaigns", Scope.PAYMENTS),
    ("/charges", Scope.PAYMENTS),
)
READS = ("GET", "HEAD")


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def required_scope(method: str, path: str) -> Scope | None:
    """The scope a call needs; None when no app token may make it."""
    if any(_under(path, prefix) for prefix in FIRST_PARTY_ONLY):
        return None
    for prefix, scope in BY_PREFIX:
        if _under(path, prefix):
            return scope
    return Scope.READ if method in READS else Scope.POST


def bearer_of(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token if scheme.lower() == "bearer" and token else None


async def enforce_scope(request: Request, blog: Blog) -> None:
    """Refuse (403) an app token's call outside its scopes; keep its grant for the rate
    limits (`request.state.grant`). A first-party token passes without a lookup."""
    token = bearer_of(request)
    if token is None or not is_app_token(token):
        return
    grant = await run_in_threadpool(blog.apps.grant, token)
    request.state.grant = grant
    needed = required_scope(request.method, request.url.path)
    if needed is None:
        raise Forbidden(f"app tokens cannot call {request.url.path}: first-party clients only")
    if needed not in grant.scopes:
        raise Forbidden(f"this app token lacks the '{needed.value}' scope", field="scope")


EnforceScope = Depends(enforce_scope)
