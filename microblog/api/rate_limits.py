"""Rate limits at the HTTP edge: every API call counts against its IP and user, writes
against their per-user action limits, and `GET /account/rate_limit_status` reports them.

A call over a limit gets 429 with `Retry-After` and the RateLimit headers of the IETF
draft (`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` in seconds), which a
call within its limits carries too, for its tightest limit.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.params import Depends as DependsParam
from pydantic import BaseModel, Field

from microblog.api.deps import Blog, Credentials
from microblog.api.errors import error_response
from microblog.api.offload import LoopRoute, placed, run_sync
from microblog.cache.rate_limits import Caller, Quota, Throttled
from microblog.errors import Unauthorized
from microblog.platform import Microblog
from microblog.rate_limit_config import Action
from microblog.services.apps import Grant

router = APIRouter(prefix="/account", tags=["rate limits"], route_class=LoopRoute)


def quota_headers(quota: Quota, now: float) -> dict[str, str]:
    return {
        "RateLimit-Limit": str(quota.limit),
        "RateLimit-Remaining": str(quota.remaining),
        "RateLimit-Reset": str(quota.reset_in(now)),
    }


def caller_of(request: Request, blog: Microblog, credentials: Credentials) -> Caller:
    """The caller's IP and, for a valid token, its account (an invalid one is left to the
    route to refuse with 401)."""
    ip = request.client.host if request.client else "unknown"
    grant: Grant | None = getattr(request.state, "grant", None)
    if grant is not None:  # an app token, already checked by `enforce_scope`
        return Caller(ip, grant.account_id, grant.tier, grant.client_id, grant.user_per_hour)
    if credentials is None:
        return Caller(ip)
    try:
        account_id = blog.accounts.account_id_for(credentials.credentials)
    except Unauthorized:
        return Caller(ip)
    return Caller(ip, account_id, blog.config.rate_limits.first_party_tier)


def _tightest(quotas: list[Quota], response: Response) -> None:
    if quotas:
        quota = min(quotas, key=lambda q: q.remaining)
        response.headers.update(quota_headers(quota, time.time()))


def count_call(request: Request, response: Response, blog: Blog, credentials: Credentials) -> None:
    """Count the call against its IP and user (routers get this when limits are on)."""
    _tightest(blog.rate_limits.charge_call(caller_of(request, blog, credentials)), response)


CountCall = Depends(placed(count_call))


def limit(action: Action) -> DependsParam:
    """A route dependency counting the call as one `action` of its (valid) caller."""

    async def charge(response: Response, blog: Blog, credentials: Credentials) -> None:
        if not blog.rate_limits.enabled or credentials is None:
            return
        quotas = await run_sync(_charge_action, blog, credentials.credentials, action)
        _tightest(quotas, response)

    return Depends(charge)


def _charge_action(blog: Microblog, token: str, action: Action) -> list[Quota]:
    try:
        account_id = blog.accounts.account_id_for(token)
    except Unauthorized:
        return []
    return blog.rate_limits.charge_action(account_id, action)


class ActionStatus(BaseModel):
    limit: int
    remaining_hits: int
    reset_time_in_seconds: int


class RateLimitStatus(BaseModel):
    """The published fields of `account/rate_limit_status`, and the per-action limits."""

    ip_limit: int
    limit_time_unit: str = Field(description="HOURS: the window of the hourly limits.")
    remaining_ip_hits: int
    remaining_user_hits: int
    user_limit: int
    reset_time: str = Field(description="When the user's window resets (UTC, ISO 8601).")
    reset_time_in_seconds: int
    actions: dict[str, ActionStatus] = Field(
        description="Per-user write limits: post, comment, message, follow (and *_daily)."
    )


@router.get("/rate_limit_status")
def rate_limit_status(request: Request, blog: Blog, credentials: Credentials) -> RateLimitStatus:
    """The caller's limits and what is left of them; this call itself counts against none."""
    caller = caller_of(request, blog, credentials)
    if caller.account_id is None:
        raise Unauthorized("missing or invalid bearer token: send 'Authorization: Bearer <token>'")
    quotas, now = blog.rate_limits.status(caller), time.time()
    ip, user = quotas.pop("ip"), quotas.pop("user")
    return RateLimitStatus(
        ip_limit=ip.limit,
        limit_time_unit="HOURS",
        remaining_ip_hits=ip.remaining,
        remaining_user_hits=user.remaining,
        user_limit=user.limit,
        reset_time=datetime.fromtimestamp(user.reset_at, UTC).isoformat(timespec="seconds"),
        reset_time_in_seconds=user.reset_in(now),
        actions={
            name: ActionStatus(
                limit=q.limit, remaining_hits=q.remaining, reset_time_in_seconds=q.reset_in(now)
            )
            for name, q in quotas.items()
        },
    )


def install_throttle_handler(app: FastAPI) -> None:
    """429s carry `Retry-After` and the exhausted limit's RateLimit headers."""

    async def on_throttled(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, Throttled)
        response = error_response(exc.status, exc.code, exc.message, exc.field)
        response.headers.update(quota_headers(exc.quota, time.time()))
        response.headers["Retry-After"] = str(exc.retry_after_s)
        return response

    app.add_exception_handler(Throttled, on_throttled)
