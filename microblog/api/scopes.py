"""Which scope each call needs of an app token, checked once per call before the route.

First-party tokens may do anything their account may; an app token only what its scopes
allow. One table by path, so a new route falls under a rule without being listed:
chat is `messages`, money is `payments`, any other read is `read` and any other write
is `post`. An app's own charges (`/charges`) are no exception: asking a user to pay is a
write the user confirms, while `payments` is the pre-authorisation that pays at once
(`microblog.services.app_payments`). App management, consent, certification, login and
answering charges are first-party only.
"""

from __future__ import annotations

from fastapi import Depends, Request

from microblog.api.offload import run_sync
from microblog.app_models import Scope, is_app_token
from microblog.errors import Forbidden
from microblog.platform import Microblog

FIRST_PARTY_ONLY = ("/apps", "/oauth", "/certifications", "/auth", "/admin", "/me/app-charges")
BY_PREFIX = (
    ("/chat", Scope.MESSAGES),
    ("/wallets", Scope.PAYMENTS),
    ("/games/items", Scope.PAYMENTS),
    ("/orders", Scope.PAYMENTS),
    ("/me/orders", Scope.PAYMENTS),
    ("/me/membership", Scope.PAYMENTS),
    ("/campaigns", Scope.PAYMENTS),
)
READS = ("GET", "HEAD")
CHARGES = "/charges"
"""An app's own charges: a call of its plain scope (the user confirms each) or of `payments`
(the pre-authorisation that pays at once)."""


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def accepted_scopes(method: str, path: str) -> frozenset[Scope] | None:
    """The scopes of which a call needs one; None when no app token may make it."""
    if any(_under(path, prefix) for prefix in FIRST_PARTY_ONLY):
        return None
    for prefix, scope in BY_PREFIX:
        if _under(path, prefix):
            return frozenset({scope})
    plain = Scope.READ if method in READS else Scope.POST
    return frozenset({plain, Scope.PAYMENTS}) if _under(path, CHARGES) else frozenset({plain})


def bearer_of(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token if scheme.lower() == "bearer" and token else None


async def enforce_scope(request: Request) -> None:
    """Refuse (403) an app token's call outside its scopes; keep its grant for the rate
    limits (`request.state.grant`). A first-party token passes without a lookup, and
    without the platform as a dependency to solve (it runs before every route)."""
    token = bearer_of(request)
    if token is None or not is_app_token(token):
        return
    blog: Microblog = request.app.state.blog
    grant = await run_sync(blog.apps.grant, token)
    request.state.grant = grant
    accepted = accepted_scopes(request.method, request.url.path)
    if accepted is None:
        raise Forbidden(f"app tokens cannot call {request.url.path}: first-party clients only")
    if not accepted & grant.scopes:
        names = "' or '".join(sorted(s.value for s in accepted))
        raise Forbidden(f"this app token lacks the '{names}' scope", field="scope")


EnforceScope = Depends(enforce_scope)
