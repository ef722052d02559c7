"""The cache tier's own contract: opening by URL, key prefixes, flushing only its keys."""

from __future__ import annotations

import pytest

from microblog.cache import open_cache
from microblog.errors import Invalid
from tests.backends import redis_cache


def test_memory_tier_is_not_shared() -> None:
    tier = open_cache("memory")
    assert not tier.shared
    assert tier.key("home", 7) == "fanout:home:7"


def test_unknown_cache_url_names_the_field() -> None:
    with pytest.raises(Invalid) as caught:
        open_cache("memcached://127.0.0.1:11211")
    assert caught.value.field == "cache"
    assert "memcached://127.0.0.1:11211" in caught.value.message


def test_unreachable_redis_fails_at_open_with_the_url() -> None:
    # Port 1 on loopback: nothing listens there, so the PING is refused at once.
    with pytest.raises(Invalid, match=r"cannot reach the cache at 'redis://127.0.0.1:1/0'"):
        open_cache("redis://127.0.0.1:1/0")


def test_flush_drops_only_keys_under_its_own_prefix() -> None:
    with redis_cache() as tier, redis_cache() as other:
        assert tier.redis is not None and other.redis is not None
        tier.redis.set(tier.key("a"), 1)
        tier.redis.set(tier.key("b"), 2)
        other.redis.set(other.key("a"), 3)
        assert tier.flush() == 2
        assert tier.redis.get(tier.key("a")) is None
        assert other.redis.get(other.key("a")) == b"3"
