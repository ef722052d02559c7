"""Operator endpoints: bulk seeding for load tests and platform statistics."""

from __future__ import annotations

import numpy as np
from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from microblog.api.deps import Blog, Operator
from microblog.api.params import Id
from microblog.api.schemas import Body, ProfileBody
from microblog.models import Role, Tier
from microblog.push_models import ClientKind
from microblog.rebuild import rebuild_in
from microblog.services.accounts import NewAccount

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Operator])


class SeedAccount(Body):
    name: str = Field(min_length=3, max_length=32, pattern=r"^[A-Za-z0-9_]+$")
    role: Role = Role.USER
    tier: Tier | None = None
    profile: ProfileBody = Field(default_factory=ProfileBody)
    client: ClientKind = Field(
        ClientKind.WEB, description="The client its seeded token's session is on."
    )


class SeedAccounts(Body):
    accounts: list[SeedAccount] = Field(max_length=5000)


class SeededAccount(BaseModel):
    id: int
    name: str
    token: str


class SeedFollows(Body):
    edges: list[tuple[Id, Id]] = Field(
        max_length=50_000, description="[follower_id, followee_id] pairs."
    )


class SeedResult(BaseModel):
    added: int


class TimelinesRebuild(Body):
    account_id: Id | None = Field(None, description="Only this account; omitted: every account.")


class TimelinesRebuilt(BaseModel):
    rebuilt: int


class FanoutStatsPublic(BaseModel):
    deliveries: int = Field(description="Follower deliveries of the posts finished so far.")
    posts: int = Field(description="Posts whose fan-out finished.")
    lag_p50_s: float | None = Field(description="Post created -> last delivery, recent posts.")
    lag_p99_s: float | None
    lag_max_s: float | None
    queue_depth: int | None = Field(
        description="Posts waiting for a fan-out worker (null: Redis cannot tell)."
    )
    pending: int = Field(description="Posts a worker took and has not finished.")
    dead_letters: int = Field(description="Fan-out jobs given up on (unreadable or failing).")


@router.post("/seed/accounts", status_code=status.HTTP_201_CREATED)
def seed_accounts(body: SeedAccounts, blog: Blog) -> list[SeededAccount]:
    """Create many accounts at once, each with a ready bearer token (no password)."""
    created = blog.accounts.register_many(
        [
            NewAccount(a.name, a.role, a.tier, a.profile.to_profile(), a.client)
            for a in body.accounts
        ]
    )
    return [SeededAccount(id=a.id, name=a.name, token=t) for a, t in created]


@router.post("/seed/follows")
def seed_follows(body: SeedFollows, blog: Blog) -> SeedResult:
    """Add follow edges in one transaction, skipping duplicates and self-follows."""
    return SeedResult(added=blog.graph.follow_many(body.edges))


@router.get("/stats/fanout")
def fanout_stats(blog: Blog) -> FanoutStatsPublic:
    """Fan-out deliveries so far, the lag (post -> last delivery) of recent posts and the
    queue's backlog: the same from every server process when the queue is in Redis."""
    report = blog.timelines.queue.report()
    lags = np.array(report.lags_s)
    quantile = (lambda q: float(np.quantile(lags, q))) if lags.size else (lambda q: None)
    return FanoutStatsPublic(
        deliveries=report.deliveries,
        posts=report.posts,
        lag_p50_s=quantile(0.5),
        lag_p99_s=quantile(0.99),
        lag_max_s=float(lags.max()) if lags.size else None,
        queue_depth=report.queue_depth,
        pending=report.pending,
        dead_letters=report.dead_letters,
    )


@router.post("/timelines/rebuild")
def rebuild_timelines(body: TimelinesRebuild, blog: Blog) -> TimelinesRebuilt:
    """Rebuild home timelines from the store now (they also rebuild lazily on read)."""
    return TimelinesRebuilt(rebuilt=rebuild_in(blog, body.account_id))
