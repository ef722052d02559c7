"""Push, pull and hybrid fan-out differ in work only: random histories give identical timelines."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microblog.config import PlatformConfig
from microblog.errors import DomainError
from microblog.platform import Microblog
from microblog.services.accounts import NewAccount
from microblog.store import open_store
from tests.microblog.conftest import CHEAP_HASHING
from tests.microblog.test_timelines import home_ids

USERS = 5
user = st.integers(1, USERS)
step = st.one_of(
    st.tuples(st.just("follow"), user, user),
    st.tuples(st.just("unfollow"), user, user),
    st.tuples(st.just("post"), user, st.just(0)),
    st.tuples(st.just("post"), user, st.just(0)),
    st.tuples(st.just("delete"), user, st.integers(1, 30)),
    st.tuples(st.just("join"), user, st.just(1)),
    st.tuples(st.just("leave"), user, st.just(1)),
    st.tuples(st.just("group_post"), user, st.just(1)),
)


def build(strategy: str, store_url: str) -> Microblog:
    ticks = itertools.count(1)
    config = PlatformConfig(
        fanout=strategy, hybrid_threshold=2, timeline_capacity=4, **CHEAP_HASHING
    )
    blog = Microblog(open_store(store_url), config, clock=lambda: float(next(ticks)))
    blog.accounts.register_many([NewAccount(f"user{i}") for i in range(1, USERS + 1)])
    blog.groups.create(1, "club")
    return blog


def apply(blog: Microblog, action: str, actor: int, target: int) -> str:
    """Run one step; a refusal is part of the outcome and must match across strategies."""
    calls = {
        "follow": lambda: blog.graph.follow(actor, target),
        "unfollow": lambda: blog.graph.unfollow(actor, target),
        "post": lambda: blog.posts.create(actor, "hello"),
        "delete": lambda: blog.posts.delete(actor, target),
        "join": lambda: blog.groups.join(actor, target),
        "leave": lambda: blog.groups.leave(actor, target),
        "group_post": lambda: blog.posts.create(actor, "members", group_id=target),
    }
    try:
        calls[action]()
    except DomainError as error:
        return type(error).__name__
    return "ok"


def run_history(steps: list[tuple[str, int, int]], store_url: str) -> None:
    blogs = [build(s, store_url) for s in ("push", "pull", "hybrid")]
    for action, actor, target in steps:
        outcomes = {apply(blog, action, actor, target) for blog in blogs}
        assert len(outcomes) == 1, (action, actor, target, outcomes)
    for reader in range(1, USERS + 1):
        timelines = [home_ids(blog, reader, limit=3) for blog in blogs]
        assert timelines[0] == timelines[1] == timelines[2], reader
    for blog in blogs:
        blog.close()


@settings(max_examples=150, deadline=None)
@given(st.lists(step, max_size=40))
def test_strategies_agree_on_the_memory_backend(steps: list[tuple[str, int, int]]) -> None:
    run_history(steps, "memory")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, max_size=25))
def test_strategies_agree_on_sqlite(steps: list[tuple[str, int, int]]) -> None:
    run_history(steps, "sqlite://")
