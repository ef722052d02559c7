"""The connection hub: which accounts have live connections, and pushing events down them.

Live connections are process state, not stored. A connection is anything with a
`push(event)` that never blocks and is safe to call from any thread: the simulator uses
`InboxConnection` (a list, no sockets); the HTTP server wraps each WebSocket so a push from
a worker thread is handed to the event loop. Deliveries and presence changes of one account
are serialised under that account's lock, so its connections see events in order. The locks
are re-entrant and striped over a fixed pool, so the hub does not grow with the number of
accounts ever seen; several are always taken in stripe order, so they cannot deadlock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from typing import Protocol

from microblog.chat_models import ChatEvent, ChatMessage
from microblog.work import record

LOCK_STRIPES = 64
"""Account locks shared by id modulo this; more stripes only means less needless waiting."""


class Connection(Protocol):
    def push(self, event: ChatEvent) -> None:
        """Hand an event to the client; must not block and must be thread-safe."""
        ...


class InboxConnection:
    """An in-process connection: events collect in a list (simulator, tests)."""

    def __init__(self) -> None:
        self.events: list[ChatEvent] = []

    def push(self, event: ChatEvent) -> None:
        self.events.append(event)

    @property
    def messages(self) -> list[ChatMessage]:
        return [e for e in self.events if isinstance(e, ChatMessage)]


class Hub:
    def __init__(self) -> None:
        self._registry = threading.Lock()
        self._connections: dict[int, tuple[Connection, ...]] = {}
        self._stripes = [threading.RLock() for _ in range(LOCK_STRIPES)]

    def lock(self, account_id: int) -> AbstractContextManager[bool]:
        """Serialises one account's connects, deliveries and presence changes."""
        return self._stripes[account_id % LOCK_STRIPES]

    @contextmanager
    def locks(self, account_ids: Iterable[int]) -> Iterator[None]:
        """Hold the locks of several accounts at once (one delivery to many recipients)."""
        with ExitStack() as held:
            for stripe in sorted({i % LOCK_STRIPES for i in account_ids}):
                held.enter_context(self._stripes[stripe])
            yield

    def attach(self, account_id: int, connection: Connection) -> bool:
        """Register a connection; True when it is the account's first."""
        with self._registry:
            current = self._connections.get(account_id, ())
            self._connections[account_id] = (*current, connection)
            return not current

    def detach(self, account_id: int, connection: Connection) -> bool:
        """Forget a connection; True when the account has none left."""
        with self._registry:
            rest = tuple(c for c in self._connections.get(account_id, ()) if c is not connection)
            if rest:
                self._connections[account_id] = rest
            else:
                self._connections.pop(account_id, None)
            return not rest

    def connections(self, account_id: int) -> tuple[Connection, ...]:
        with self._registry:
            return self._connections.get(account_id, ())

    def is_online(self, account_id: int) -> bool:
        return bool(self.connections(account_id))

    def online(self, account_ids: Iterable[int]) -> list[int]:
        with self._registry:
            return [i for i in account_ids if i in self._connections]

    def push(self, account_id: int, events: Sequence[ChatEvent]) -> int:
        """Push events, in order, to every connection of the account; returns pushes made."""
        connections = self.connections(account_id)
        for connection in connections:
            for event in events:
                connection.push(event)
        pushed = len(connections) * len(events)
        record(pushes=pushed)
        return pushed
