"""Reaching a live room's viewers in every server process.

With the memory cache tier there is one server process, whose room hub holds every viewer
(`LocalRoomBoard`). With a shared tier (Redis) viewers of one room may be connected to any
process (`SharedRoomBoard`): the process where a comment or gift happened pushes it to its
own viewers at once and publishes it on one channel every process subscribes to (the
chat's `ProcessBus`, under a name all processes share); each other process pushes it to
its own viewers of that room. Pub/sub hands each message to each subscriber once, so each
viewer is pushed each event once; a process that is down (or cut off from Redis) misses
what was published meanwhile, and its viewers' sockets break with it.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any, Protocol

from microblog.cache import CacheTier
from microblog.cache.bus import Message, ProcessBus
from microblog.cache.presence import new_process_id
from microblog.live_models import LiveComment, LiveEvent, LiveGift, RoomEnded, ViewerCount
from microblog.services.live_rooms import LiveConnection, RoomHub

LOG = logging.getLogger(__name__)
ROOMS_CHANNEL = "live-rooms"
"""The bus name every process subscribes to for room events."""
_KINDS: dict[str, type[Any]] = {
    "comment": LiveComment,
    "gift": LiveGift,
    "viewers": ViewerCount,
    "ended": RoomEnded,
}
_NAMES = {kind: name for name, kind in _KINDS.items()}


class RoomBoard(Protocol):
    hub: RoomHub

    def broadcast(self, room_id: int, event: LiveEvent, but: LiveConnection | None = None) -> None:
        """Push the event to the room's viewers in every process (`but` one connection)."""
        ...

    def close(self) -> None: ...


class LocalRoomBoard:
    """One server process: its hub holds every viewer."""

    def __init__(self, hub: RoomHub) -> None:
        self.hub = hub

    def broadcast(self, room_id: int, event: LiveEvent, but: LiveConnection | None = None) -> None:
        self.hub.broadcast(room_id, event, but)

    def close(self) -> None:
        return None


class SharedRoomBoard:
    """Several server processes sharing a Redis tier (see module docstring)."""

    def __init__(self, hub: RoomHub, cache: CacheTier) -> None:
        from redis.exceptions import RedisError

        self.unreachable = RedisError
        self.hub = hub
        self.process = new_process_id()
        self.bus = ProcessBus(cache, ROOMS_CHANNEL, self._received)

    def broadcast(self, room_id: int, event: LiveEvent, but: LiveConnection | None = None) -> None:
        self.hub.broadcast(room_id, event, but)
        message = {"from": self.process, "kind": _NAMES[type(event)], "event": asdict(event)}
        try:
            self.bus.send({ROOMS_CHANNEL: message})
        except self.unreachable:
            LOG.warning("cache tier unreachable: room %d's viewers elsewhere not told", room_id)

    def close(self) -> None:
        self.bus.close()

    def _received(self, message: Message) -> None:
        if message["from"] == self.process:
            return  # pushed here already, before publishing
        event = _KINDS[message["kind"]](**message["event"])
        self.hub.broadcast(event.room_id, event)
        if isinstance(event, RoomEnded):
            self.hub.close_room(event.room_id)


def open_room_board(cache: CacheTier, hub: RoomHub) -> RoomBoard:
    """Local for the memory tier, shared for Redis."""
    return SharedRoomBoard(hub, cache) if cache.shared else LocalRoomBoard(hub)
