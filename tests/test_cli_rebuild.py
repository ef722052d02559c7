"""`fanout rebuild-timelines`: refills Redis from the store; refuses what cannot work."""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path

from click.testing import CliRunner

from cli import fanout
from microblog.platform import Microblog
from microblog.services.accounts import NewAccount
from microblog.store import open_store
from tests.backends import REDIS_URL, redis_cache


def test_it_rebuilds_every_timeline_in_redis(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'blog.sqlite'}"
    # Closed (its chat bus's subscriber thread stopped) before the tier's client goes.
    with redis_cache() as tier, closing(Microblog(open_store(store), cache=tier)) as blog:
        (ann, _), (bob, _) = blog.accounts.register_many([NewAccount("ann"), NewAccount("bob")])
        blog.graph.follow(ann.id, bob.id)
        post = blog.posts.create(bob.id, "hi")
        tier.flush()
        result = CliRunner().invoke(
            fanout,
            ["rebuild-timelines", "--store", store, "--cache", REDIS_URL]
            + ["--cache-prefix", tier.prefix, "--json"],
        )
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == {"rebuilt": 2}
        assert blog.timelines.cache.page(ann.id, None, 5) == [post.id]


def test_a_memory_cache_is_bad_input(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'blog.sqlite'}"
    result = CliRunner().invoke(
        fanout, ["rebuild-timelines", "--store", store, "--cache", "memory"]
    )
    assert result.exit_code == 2
    assert "cache must be a redis:// URL, got 'memory'" in result.stderr
