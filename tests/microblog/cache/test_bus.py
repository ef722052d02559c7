"""The process bus survives Redis dropping its subscription connection."""

from __future__ import annotations

import threading
from typing import Any

from microblog.cache.bus import ProcessBus
from tests.backends import redis_cache


def test_the_subscriber_reconnects_after_redis_drops_its_connection() -> None:
    with redis_cache() as cache:
        assert cache.redis is not None
        received: list[dict[str, Any]] = []
        arrived = threading.Event()

        def on_message(message: dict[str, Any]) -> None:
            received.append(message)
            arrived.set()

        bus = ProcessBus(cache, "listener", on_message)
        try:
            connection = bus.pubsub.connection
            assert connection is not None and connection._sock is not None
            host, port = connection._sock.getsockname()[:2]
            assert cache.redis.client_kill(f"{host}:{port}")  # only this subscriber's
            for attempt in range(50):  # bounded: 50 publications a poll interval apart
                bus.send({"listener": {"n": attempt}})
                if arrived.wait(0.2):
                    break
            assert received, "the subscriber never came back after its connection dropped"
            assert bus.worker.is_alive()
        finally:
            bus.close()
