"""The switchboard: which accounts are connected anywhere, and reaching their connections.

Chat and presence ask it three things: who of these accounts is online, "these accounts
have mail" (their undelivered messages should be pushed) and "tell these friends about a
presence change". With the memory cache tier there is one server process, so the answers
come from its hub (`LocalSwitchboard`). With a shared tier (Redis) connections may be held
by any process (`SharedSwitchboard`): the directory says which, this process serves its own
at once, and the others are told over the bus; each process then runs the delivery step for
its own connections (take the undelivered messages, push each connection what it has not
had), so no two processes ever push to the same connection.

While Redis is unreachable, a shared switchboard falls back to what its own hub knows (each
process serves its own connections; messages for others stay undelivered in the store and
are pushed when their account next connects), and the heartbeat publishes this process's
connections again once Redis is back.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from typing import Protocol

from microblog.cache import CacheTier
from microblog.cache.bus import Message, ProcessBus
from microblog.cache.presence import ConnectionDirectory, Heartbeat, PresenceTierConfig
from microblog.chat_models import PresenceChange, Status
from microblog.services.hub import LOCK_STRIPES, Hub

LOG = logging.getLogger(__name__)
Deliver = Callable[[list[int]], None]
"""The chat service's delivery step for accounts connected in this process."""


class Switchboard(Protocol):
    def online(self, account_ids: Iterable[int]) -> list[int]:
        """The accounts with a live connection in any process, in the order given."""
        ...

    def counted(self, account_id: int, connections: int) -> None:
        """The account now has this many connections in this process."""
        ...

    def mail(self, account_ids: list[int]) -> None:
        """These accounts have new messages: push them wherever they are connected."""
        ...

    def announce(self, friend_ids: list[int], change: PresenceChange) -> None:
        """Push a presence change to these accounts' connections, wherever they are."""
        ...

    def close(self) -> None: ...


class LocalSwitchboard:
    """One server process: its hub knows every connection."""

    def __init__(self, hub: Hub, deliver: Deliver) -> None:
        self.hub = hub
        self.deliver = deliver

    def online(self, account_ids: Iterable[int]) -> list[int]:
        return self.hub.online(account_ids)

    def counted(self, account_id: int, connections: int) -> None:
        return None

    def mail(self, account_ids: list[int]) -> None:
        self.deliver(self.hub.online(account_ids))

    def announce(self, friend_ids: list[int], change: PresenceChange) -> None:
        for friend_id in self.hub.online(friend_ids):
            self.hub.push(friend_id, change)

    def close(self) -> None:
        return None


class SharedSwitchboard:
    """Several server processes sharing a Redis tier (see module docstring)."""

    def __init__(
        self, hub: Hub, deliver: Deliver, cache: CacheTier, config: PresenceTierConfig
    ) -> None:
        from redis.exceptions import RedisError

        self.unreachable = RedisError
        self.hub = hub
        self.deliver = deliver
        self.directory = ConnectionDirectory(cache, config)
        self.process = self.directory.process
        self.deliveries = ThreadPoolExecutor(config.delivery_threads, "chat-delivery")
        self.bus = ProcessBus(cache, self.process, self._received)
        self.heartbeat = Heartbeat(self._renew, config.heartbeat_s, RedisError)

    def online(self, account_ids: Iterable[int]) -> list[int]:
        ids = list(account_ids)
        try:
            held = self.directory.where(ids)
        except self.unreachable:
            return self.hub.online(ids)
        return [i for i in ids if i in held]

    def counted(self, account_id: int, connections: int) -> None:
        with suppress(self.unreachable):  # the heartbeat republishes when Redis is back
            self.directory.set_count(account_id, connections)

    def mail(self, account_ids: list[int]) -> None:
        try:
            by_process = self._by_process(account_ids)
        except self.unreachable:
            by_process = {self.process: self.hub.online(account_ids)}
        if here := by_process.pop(self.process, None):
            self.deliver(here)
        self._send({p: {"mail": ids} for p, ids in by_process.items()})

    def announce(self, friend_ids: list[int], change: PresenceChange) -> None:
        try:
            by_process = self._by_process(friend_ids)
        except self.unreachable:
            by_process = {self.process: self.hub.online(friend_ids)}
        if here := by_process.pop(self.process, None):
            self._push_presence(here, change)
        event = [change.account_id, change.name, change.status.value]
        self._send({p: {"presence": event, "to": ids} for p, ids in by_process.items()})

    def close(self) -> None:
        self.heartbeat.stop()
        self.bus.close()
        self.deliveries.shutdown(wait=True)
        self.directory.leave()

    def _send(self, messages: dict[str, Message]) -> None:
        """Tell other processes; if Redis is away they are not told (module docstring)."""
        try:
            self.bus.send(messages)
        except self.unreachable:
            LOG.warning("cache tier unreachable: %d processes not told", len(messages))

    def _by_process(self, account_ids: list[int]) -> dict[str, list[int]]:
        grouped: defaultdict[str, list[int]] = defaultdict(list)
        if not account_ids:
            return grouped
        for account_id, processes in self.directory.where(account_ids).items():
            for process in processes:
                grouped[process].append(account_id)
        return grouped

    def _received(self, message: Message) -> None:
        """A message from another process: presence at once (in order), mail on the
        delivery threads (a delivery waits on the store)."""
        if "mail" in message:
            delivery = self.deliveries.submit(self.deliver, self.hub.online(message["mail"]))
            delivery.add_done_callback(_log_failure)
        else:
            account_id, name, status = message["presence"]
            self._push_presence(message["to"], PresenceChange(account_id, name, Status(status)))

    def _push_presence(self, account_ids: list[int], change: PresenceChange) -> None:
        for account_id in self.hub.online(account_ids):
            self.hub.push(account_id, change)

    def _renew(self) -> None:
        self.directory.renew(self.hub.counts, self.hub.locks(range(LOCK_STRIPES)))


def _log_failure(delivery: Future[None]) -> None:
    """A delivery that failed (the store away) leaves its messages undelivered in the store:
    the next message or connect of the account pushes them."""
    if (error := delivery.exception()) is not None:
        LOG.error("chat delivery failed", exc_info=error)


def open_switchboard(
    cache: CacheTier, hub: Hub, deliver: Deliver, config: PresenceTierConfig
) -> Switchboard:
    """The switchboard for this cache tier: local for `memory`, shared for Redis."""
    if cache.shared:
        return SharedSwitchboard(hub, deliver, cache, config)
    return LocalSwitchboard(hub, deliver)
