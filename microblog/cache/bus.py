"""Messages between server processes over Redis pub/sub: one channel per process.

A process that must reach connections held by another (a chat message for them, a friend's
presence change) publishes a small JSON object on that process's channel. Pub/sub is
fire-and-forget: a process that is down misses what was published meanwhile, which loses
nothing, because the store keeps every message and a client reconnecting (to any process)
is pushed all it has not acknowledged.

The subscriber is redis-py's own worker thread (`PubSub.run_in_thread`); it hands each
message to `on_message` in publication order. When Redis drops the subscriber's connection
(a restart, a failover, an output-buffer limit), the thread logs it and carries on: the
next read reconnects and subscribes again, and what was published in between is missed
like anything published to a process that is down.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from redis.client import PubSub, PubSubWorkerThread
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from microblog.cache import CacheTier
from microblog.work import record

LOG = logging.getLogger(__name__)
Message = dict[str, Any]
POLL_S = 0.2
"""Longest the subscriber waits for a message before looking whether it should stop (so
closing takes at most this long)."""
SUBSCRIBE_TIMEOUT_S = 5.0
"""Longest wait at start-up for Redis to confirm this process's subscription."""


class ProcessBus:
    """This process's channel, and publishing to other processes' channels."""

    def __init__(
        self, cache: CacheTier, process: str, on_message: Callable[[Message], None]
    ) -> None:
        assert cache.redis is not None, "a bus needs a shared tier"
        self.redis = cache.redis
        self.cache = cache
        self.on_message = on_message
        self.pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        own = self.channel(process)
        self.pubsub.subscribe(**{own: self._receive})
        self.worker = self.pubsub.run_in_thread(
            sleep_time=POLL_S, daemon=True, exception_handler=_reconnect_later
        )
        self._await_subscription(own)

    def channel(self, process: str) -> str:
        return self.cache.key("bus", process)

    def send(self, messages: dict[str, Message]) -> None:
        """Publish one message to each named process, in one round trip."""
        pipe = self.redis.pipeline(transaction=False)
        for process, message in messages.items():
            pipe.publish(self.channel(process), json.dumps(message))
        pipe.execute()
        record(cache_writes=len(messages))

    def _await_subscription(self, channel: str) -> None:
        """Return once Redis has the subscription, so nothing published to this process
        after it announces connections can miss it."""
        deadline = time.monotonic() + SUBSCRIBE_TIMEOUT_S
        while not dict(self.redis.pubsub_numsub(channel)).get(channel.encode()):
            if time.monotonic() > deadline:
                self.close()
                raise TimeoutError(f"Redis did not confirm the subscription to {channel!r}")
            time.sleep(POLL_S / 10)

    def close(self) -> None:
        self.worker.stop()
        self.worker.join()
        self.pubsub.close()

    def _receive(self, raw: dict[str, Any]) -> None:
        """Hand a message on; a failure is logged, never allowed to stop the subscriber."""
        try:
            self.on_message(json.loads(raw["data"]))
        except Exception:
            LOG.exception("could not handle a message from another process: %r", raw["data"])


def _reconnect_later(error: BaseException, pubsub: PubSub, worker: PubSubWorkerThread) -> None:
    """Keep the subscriber alive when Redis drops it; anything else is a bug and stops it.

    redis-py reconnects and re-subscribes on the next read; waiting a poll interval first
    keeps a subscriber from spinning while Redis is away.
    """
    if not isinstance(error, RedisConnectionError | RedisTimeoutError):
        raise error
    LOG.warning("lost the subscription connection to Redis (%s); reconnecting", error)
    time.sleep(POLL_S)
