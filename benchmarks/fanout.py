"""Push fan-out through the service layer: deliveries per second per storage backend, and the
time from a big V's post to its last delivery on the memory backend.

Each backend gets one author with N followers (bulk seeding: `register_many`, `follow_many`);
a repeat times `POSTS_PER_REPEAT` posts by that author with inline fan-out, so the call
returns after the last delivery. The reference is a bare Python loop appending the same
number of ints to N lists: the ratio says what fraction of plain-Python speed fan-out keeps.
PostgreSQL is measured when FANOUT_BENCH_POSTGRES names a reachable database URL.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.backends import POSTGRES_ENV
from benchmarks.runner import Benchmark, Measured, Ratio, Repeat
from microblog.platform import Microblog
from microblog.services.accounts import NewAccount
from microblog.store import open_store

POSTS_PER_REPEAT = 5
"""Posts timed per repeat and backend: enough to average out one transaction's jitter."""


@dataclass(frozen=True)
class Sizes:
    """Followers of the author, per backend, and of the big V (memory backend)."""

    memory: int
    sqlite: int
    big_v: int


QUICK = Sizes(memory=20_000, sqlite=5_000, big_v=100_000)
FULL = Sizes(memory=100_000, sqlite=20_000, big_v=1_000_000)


def seeded_author(blog: Microblog, followers: int) -> int:
    """Seed an author followed by `followers` accounts; returns the author's id."""
    accounts = blog.accounts.register_many([NewAccount(f"bench{i}") for i in range(followers + 1)])
    ids = [account.id for account, _ in accounts]
    blog.graph.follow_many([(follower, ids[0]) for follower in ids[1:]])
    return ids[0]


def time_posts(blog: Microblog, author: int, posts: int) -> float:
    """Seconds for `posts` posts by `author`, each returning after its last delivery."""
    started = time.perf_counter()
    for n in range(posts):
        blog.posts.create(author, f"benchmark post {n}")
    return time.perf_counter() - started


def time_appends(lists: int, rounds: int) -> float:
    """The reference: seconds to append one int to each of `lists` lists, `rounds` times."""
    timelines: list[list[int]] = [[] for _ in range(lists)]
    started = time.perf_counter()
    for post in range(rounds):
        for timeline in timelines:
            timeline.append(post)
    return time.perf_counter() - started


def _store_urls(tmp: Path) -> dict[str, str]:
    urls = {"memory": "memory", "sqlite": f"sqlite:///{tmp / 'bench.sqlite'}"}
    if os.environ.get(POSTGRES_ENV):
        urls["postgres"] = os.environ[POSTGRES_ENV]
    return urls


@contextmanager
def prepare(quick: bool) -> Iterator[Repeat]:
    sizes = QUICK if quick else FULL
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fanout-bench-")))
        blogs: dict[str, tuple[Microblog, int, int]] = {}
        for backend, url in _store_urls(tmp).items():
            blog = Microblog(open_store(url))
            stack.callback(blog.close)
            followers = sizes.sqlite if backend != "memory" else sizes.memory
            blogs[backend] = (blog, seeded_author(blog, followers), followers)
        big_v = Microblog(open_store("memory"))
        big_v_author = seeded_author(big_v, sizes.big_v)

        def repeat() -> Measured:
            values: dict[str, float] = {}
            for backend, (blog, author, followers) in blogs.items():
                deliveries = followers * POSTS_PER_REPEAT
                values[f"deliveries_per_s.{backend}"] = deliveries / time_posts(
                    blog, author, POSTS_PER_REPEAT
                )
                values[f"reference.appends_per_s.{backend}"] = deliveries / time_appends(
                    followers, POSTS_PER_REPEAT
                )
            values["big_v.lag_s"] = time_posts(big_v, big_v_author, 1)
            values["reference.big_v_appends_s"] = time_appends(sizes.big_v, 1)
            notes = (
                ()
                if POSTGRES_ENV in os.environ
                else (f"PostgreSQL: not measured, {POSTGRES_ENV} unset",)
            )
            return Measured(values, notes)

        yield repeat


BACKENDS = ("memory", "sqlite", "postgres")
BENCHMARK = Benchmark(
    name="fanout",
    description="push fan-out deliveries/s per backend; big V post -> last delivery (memory)",
    prepare=prepare,
    quick_repeats=5,
    units={
        **{f"deliveries_per_s.{b}": "deliveries/s" for b in BACKENDS},
        **{f"reference.appends_per_s.{b}": "appends/s" for b in BACKENDS},
        "big_v.lag_s": "s",
        "reference.big_v_appends_s": "s",
    },
    ratios={
        **{
            f"ratio.deliveries_vs_appends.{b}": Ratio(
                f"deliveries_per_s.{b}", f"reference.appends_per_s.{b}"
            )
            for b in BACKENDS
        },
        "ratio.big_v_lag_vs_appends": Ratio("big_v.lag_s", "reference.big_v_appends_s"),
    },
)
