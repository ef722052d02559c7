"""Fixtures: the same service-layer tests run against every storage backend."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from microblog.config import PlatformConfig
from microblog.models import Account
from microblog.platform import Microblog
from microblog.services.accounts import NewAccount
from microblog.store import open_store
from tests.backends import BACKENDS, cache_for, store_url
from tests.microblog.ads_support import make_world  # noqa: F401  (the ads tests' fixture)

CHEAP_HASHING = {"password_time_cost": 1, "password_memory_kib": 8}
MakeBlog = Callable[..., Microblog]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_blog(backend: str, tmp_path: Path) -> Iterator[MakeBlog]:
    """Build platforms over fresh stores of the backend under test, with a ticking clock."""
    made: list[Microblog] = []
    with ExitStack() as stores:

        def make(**config: object) -> Microblog:
            url = stores.enter_context(store_url(backend, tmp_path))
            cache = stores.enter_context(cache_for(backend))
            ticks = itertools.count(1)
            blog = Microblog(
                open_store(url),
                PlatformConfig.model_validate({**CHEAP_HASHING, **config}),
                clock=lambda: float(next(ticks)),
                cache=cache,
            )
            made.append(blog)
            return blog

        yield make
        for blog in made:
            blog.close()


@pytest.fixture
def blog(make_blog: MakeBlog) -> Microblog:
    return make_blog()


def people(blog: Microblog, *names: str) -> list[Account]:
    """Seed plain users by name."""
    return [a for a, _ in blog.accounts.register_many([NewAccount(n) for n in names])]
