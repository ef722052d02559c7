"""The OAuth 2.0 endpoints: consent (authorize), token and revocation, answered by oauthlib
(`microblog.services.oauth`) and sent back as it wrote them."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from microblog.api.deps import Blog, CurrentAccountId
from microblog.api.offload import LoopRoute
from microblog.services.oauth import OAuthResponse

router = APIRouter(prefix="/oauth", tags=["oauth"], route_class=LoopRoute)


class OAuthErrorPublic(BaseModel):
    """OAuth clients expect the protocol's own error body (RFC 6749 section 5.2)."""

    error: str = Field(description="invalid_request, invalid_client, invalid_grant, ...")
    error_description: str | None = None


OAUTH_ERROR = {"model": OAuthErrorPublic, "description": "An OAuth error (RFC 6749 5.2)."}
AUTHORIZE_RESPONSES: dict[int | str, dict[str, object]] = {
    302: {"description": "To the app's redirect URI, with `code` and `state` (or `error`)."},
    400: OAUTH_ERROR,
}
TOKEN_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"description": "The token (RFC 6749 section 5.1) or an empty revocation answer."},
    400: OAUTH_ERROR,
    401: OAUTH_ERROR,
}


def _uri(request: Request) -> str:
    """The request as oauthlib wants it: https (TLS ends at the deployment's proxy)."""
    query = f"?{request.url.query}" if request.url.query else ""
    return f"https://{request.url.netloc}{request.url.path}{query}"


def _send(answer: OAuthResponse) -> Response:
    return Response(answer.body, status_code=answer.status, headers=answer.headers)


@router.post("/authorize", response_class=Response, responses=AUTHORIZE_RESPONSES)
def authorize(request: Request, account_id: CurrentAccountId, blog: Blog) -> Response:
    """The signed-in user consents: `?response_type=code&client_id=...&redirect_uri=...
    &scope=read post&state=...&code_challenge=...&code_challenge_method=S256` (PKCE is
    required). Answers 302 to the redirect URI with the code."""
    return _send(blog.oauth.authorize(_uri(request), account_id))


@router.post("/token", response_class=Response, responses=TOKEN_RESPONSES)
async def token(request: Request, blog: Blog) -> Response:
    """Form-encoded grants: authorization_code (+ code_verifier), client_credentials,
    refresh_token; the client authenticates with HTTP Basic or client_id/client_secret
    (a public client sends only client_id and relies on PKCE)."""
    body = (await request.body()).decode(errors="replace")
    answer = await run_in_threadpool(blog.oauth.token, _uri(request), body, dict(request.headers))
    return _send(answer)


@router.post("/revoke", response_class=Response, responses=TOKEN_RESPONSES)
async def revoke(request: Request, blog: Blog) -> Response:
    """RFC 7009: revoke an access or refresh token of the authenticated client."""
    body = (await request.body()).decode(errors="replace")
    answer = await run_in_threadpool(blog.oauth.revoke, _uri(request), body, dict(request.headers))
    return _send(answer)
