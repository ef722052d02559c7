"""The push outbox of the calling session: what the push provider sent to this device.

A stand-in for the phone's notification tray (the provider is simulated), so a client or a
test can see which sessions were notified: a mobile login's pushes, none for web ones.
"""

from __future__ import annotations

from fastapi import APIRouter

from microblog.api.deps import BearerToken, Blog, CurrentAccountId
from microblog.api.offload import LoopRoute
from microblog.api.params import Cursor, Limit
from microblog.api.push_schemas import PushPage

router = APIRouter(prefix="/me/push", tags=["push"], route_class=LoopRoute)


@router.get("")
def outbox(
    _: CurrentAccountId, token: BearerToken, blog: Blog, cursor: Cursor = None, limit: Limit = 20
) -> PushPage:
    """Pushes sent to this session, newest first (always empty for web and app sessions)."""
    return PushPage.of(blog.push.outbox(token, cursor, limit))
