"""The connection hub: which accounts have live connections here, and pushing events down them.

Live connections are process state, not stored. A connection is anything with a
`push(event)` that never blocks and is safe to call from any thread: the simulator uses
`InboxConnection` (a list, no sockets); the HTTP server wraps each WebSocket so a push from
a worker thread is handed to the event loop. Deliveries and presence changes of one account
are serialised under that account's lock, so its connections see events in order. The locks
are re-entrant and striped over a fixed pool, so the hub does not grow with the number of
accounts ever seen; several are always taken in stripe order, so they cannot deadlock.

Each connection remembers the highest message id pushed down it, so a message reaches each
connection at most once even while the store still lists it as undelivered: a socket's
messages stay undelivered until its client acknowledges them (`receipt_on_push` False),
while an in-process connection has them as soon as they are pushed (True).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from typing import Protocol

from microblog.chat_models import ChatEvent, ChatMessage
from microblog.work import record

LOCK_STRIPES = 64
"""Account locks shared by id modulo this; more stripes only means less needless waiting."""


class Connection(Protocol):
    receipt_on_push: bool
    """Whether a push is already a receipt (in process); else the client acknowledges."""

    def push(self, event: ChatEvent) -> None:
        """Hand an event to the client; must not block and must be thread-safe."""
        ...


class InboxConnection:
    """An in-process connection: events collect in a list (simulator, tests)."""

    receipt_on_push = True

    def __init__(self) -> None:
        self.events: list[ChatEvent] = []

    def push(self, event: ChatEvent) -> None:
        self.events.append(event)

    @property
    def messages(self) -> list[ChatMessage]:
        return [e for e in self.events if isinstance(e, ChatMessage)]


@dataclass(eq=False, slots=True)
class Attached:
    """A registered connection and the highest message id pushed down it."""

    connection: Connection
    pushed_up_to: int = 0


class Hub:
    def __init__(self) -> None:
        self._registry = threading.Lock()
        self._connections: dict[int, tuple[Attached, ...]] = {}
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

    def attach(self, account_id: int, connection: Connection) -> int:
        """Register a connection; returns how many the account now has here."""
        with self._registry:
            current = self._connections.get(account_id, ())
            self._connections[account_id] = (*current, Attached(connection))
            return len(current) + 1

    def detach(self, account_id: int, connection: Connection) -> int:
        """Forget a connection; returns how many the account still has here."""
        with self._registry:
            current = self._connections.get(account_id, ())
            rest = tuple(a for a in current if a.connection is not connection)
            if rest:
                self._connections[account_id] = rest
            else:
                self._connections.pop(account_id, None)
            return len(rest)

    def counts(self) -> dict[int, int]:
        """Live connections per connected account (to republish after a cache loss)."""
        with self._registry:
            return {a: len(attached) for a, attached in self._connections.items()}

    def attached(self, account_id: int) -> tuple[Attached, ...]:
        with self._registry:
            return self._connections.get(account_id, ())

    def is_online(self, account_id: int) -> bool:
        return bool(self.attached(account_id))

    def online(self, account_ids: Iterable[int]) -> list[int]:
        with self._registry:
            return [i for i in account_ids if i in self._connections]

    def pushed_up_to(self, account_id: int, connection: Connection) -> int:
        """The highest message id pushed down this connection (0 for none)."""
        found = (a for a in self.attached(account_id) if a.connection is connection)
        return next((a.pushed_up_to for a in found), 0)

    def pending_after(self, account_id: int) -> int:
        """Every connection of the account here has had every message up to this id."""
        return min((a.pushed_up_to for a in self.attached(account_id)), default=0)

    def receipt_on_push(self, account_id: int) -> bool:
        """Whether pushing to the account here is its receipt (an in-process connection)."""
        return any(a.connection.receipt_on_push for a in self.attached(account_id))

    def push_messages(self, account_id: int, messages: Sequence[ChatMessage]) -> int:
        """Push messages (in id order) to every connection of the account that has not had
        them yet; returns pushes made. Call under the account's lock."""
        pushed = 0
        for attached in self.attached(account_id):
            for message in messages:
                if message.id > attached.pushed_up_to:
                    attached.connection.push(message)
                    attached.pushed_up_to = message.id
                    pushed += 1
        record(pushes=pushed)
        return pushed

    def push(self, account_id: int, event: ChatEvent) -> int:
        """Push one event (a presence change) to every connection of the account."""
        attached = self.attached(account_id)
        for one in attached:
            one.connection.push(event)
        record(pushes=len(attached))
        return len(attached)
