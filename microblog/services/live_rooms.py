"""The viewers connected to each live room in this process, and pushing room events to them.

A connection is anything with a thread-safe, non-blocking `push(event)`: the simulator's and
the tests' `LiveInbox`, or the server's wrapper of a WebSocket. Joining, leaving and every
push of a room happen under that room's lock (striped over a fixed pool, like the chat hub),
so each event reaches each connection attached at that moment exactly once: a connection is
either in the snapshot a push walks or not, never half.
"""

from __future__ import annotations

import threading
from typing import Protocol

from microblog.live_models import LiveEvent
from microblog.services.hub import LOCK_STRIPES
from microblog.work import record


class LiveConnection(Protocol):
    def push(self, event: LiveEvent) -> None:
        """Hand an event to the viewer; must not block and must be thread-safe."""
        ...


class LiveInbox:
    """An in-process viewer: events collect in a list (simulator, tests)."""

    def __init__(self) -> None:
        self.events: list[LiveEvent] = []

    def push(self, event: LiveEvent) -> None:
        self.events.append(event)


class RoomHub:
    def __init__(self) -> None:
        self._rooms: dict[int, dict[int, tuple[int, LiveConnection]]] = {}
        self._stripes = [threading.RLock() for _ in range(LOCK_STRIPES)]

    def lock(self, room_id: int) -> threading.RLock:
        return self._stripes[room_id % LOCK_STRIPES]

    def attach(self, room_id: int, viewer_id: int, connection: LiveConnection) -> None:
        with self.lock(room_id):
            self._rooms.setdefault(room_id, {})[id(connection)] = (viewer_id, connection)

    def detach(self, room_id: int, connection: LiveConnection) -> bool:
        """Forget the connection; False when it was not attached (left already)."""
        with self.lock(room_id):
            attached = self._rooms.get(room_id, {})
            found = attached.pop(id(connection), None) is not None
            if not attached:
                self._rooms.pop(room_id, None)
            return found

    def viewers_here(self, room_id: int) -> int:
        with self.lock(room_id):
            return len(self._rooms.get(room_id, {}))

    def broadcast(self, room_id: int, event: LiveEvent, but: LiveConnection | None = None) -> int:
        """Push the event to every connection of the room here (`but` one); returns pushes
        made."""
        with self.lock(room_id):
            attached = self._rooms.get(room_id, {})
            connections = [c for key, (_, c) in attached.items() if key != id(but)]
            for connection in connections:
                connection.push(event)
        record(pushes=len(connections))
        return len(connections)

    def close_room(self, room_id: int) -> list[LiveConnection]:
        """Detach every connection of an ended room; returns them."""
        with self.lock(room_id):
            return [c for _, c in self._rooms.pop(room_id, {}).values()]
