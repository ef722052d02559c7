"""Several server processes in one test: platforms sharing one store and one Redis tier.

Each `Microblog` built here has its own hub, switchboard and process id, as each server
process has, so what one of them does reaches the others only through the store and the
cache tier, as between real processes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from microblog.cache import open_cache
from microblog.config import PlatformConfig
from microblog.platform import Microblog
from microblog.services.hub import InboxConnection
from microblog.store import open_store
from tests.backends import redis_cache, store_url
from tests.microblog.conftest import CHEAP_HASHING

QUICK_PRESENCE = {"heartbeat_s": 0.05, "ttl_s": 0.5}
"""A process's connections expire half a second after its last heartbeat."""
WAIT_S = 10.0
"""Longest a test waits for another process to act on what it was told."""


class AckingInbox(InboxConnection):
    """An in-process connection whose client acknowledges, like a WebSocket's."""

    receipt_on_push = False


def wait_until(condition: Callable[[], bool], what: str, timeout_s: float = WAIT_S) -> None:
    """Poll `condition` until it holds; fail naming `what` after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.01)


@contextmanager
def server_processes(backend: str, tmp_path: Path, count: int = 2) -> Iterator[list[Microblog]]:
    """`count` platforms over one fresh store and one fresh Redis prefix."""
    with ExitStack() as stack:
        tier = stack.enter_context(redis_cache())
        url = stack.enter_context(store_url(backend, tmp_path))
        config = PlatformConfig.model_validate({**CHEAP_HASHING, "presence": QUICK_PRESENCE})
        blogs = []
        for _ in range(count):
            blog = Microblog(open_store(url), config, cache=open_cache(tier.url, tier.prefix))
            stack.callback(blog.close)
            blogs.append(blog)
        yield blogs
