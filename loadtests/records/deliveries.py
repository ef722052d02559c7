"""Did every chat message arrive exactly once? Sends and receipts, tallied across processes.

A sender records each message the server confirmed (HTTP 201 or a WebSocket `sent` reply)
under its key, `<conversation>/<client_msg_id>`, with the recipient's account id. Each
receiving connection keeps the keys it has seen: a key it sees again is a duplicate (the
server pushes a message once to every live connection of the recipient, so two
connections of one account each getting it once is not). Locust workers send what they
recorded since their last report to the master, which adds it up; after the run the
parent collects what is still waiting in offline recipients' inboxes (loadtests.control.backlog).

A confirmed message is *lost* when no connection of its recipient received it, live or
from that backlog. This module does not import Locust: pytest and the CLI use it too.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, Field

from outcomes.result import Metric

CHAT_DELIVER = "chat_deliver"
"""Name under which receivers record each message's send-to-receive time: a push, not a
request."""
LIVE_DELIVER = "live_deliver"
"""Name under which live viewers record each comment push's latency (receive time minus
the comment's server `created_at`): a push, not a request."""
PUSHES = (CHAT_DELIVER, LIVE_DELIVER)
"""Timed pushes: measured like requests, but not part of the request mix."""


def message_key(conversation: str, client_msg_id: str) -> str:
    """A message's identity across processes: its conversation and the sender's own id."""
    return f"{conversation}/{client_msg_id}"


class DeliveryLog(BaseModel):
    """Confirmed sends (key -> recipient account id), keys received anywhere, duplicates."""

    sent: dict[str, int] = Field(default_factory=dict)
    received: set[str] = Field(default_factory=set)
    duplicated: int = 0

    def record_sent(self, key: str, recipient_id: int) -> None:
        self.sent[key] = recipient_id

    def record_received(self, key: str) -> None:
        self.received.add(key)

    def record_duplicate(self) -> None:
        self.duplicated += 1

    def merge(self, other: DeliveryLog) -> None:
        """Add another process's records (sends and receipts may come from different ones)."""
        self.sent |= other.sent
        self.received |= other.received
        self.duplicated += other.duplicated

    def take(self) -> DeliveryLog:
        """Everything recorded so far, leaving this log empty (a worker's report)."""
        taken = self.model_copy()
        self.sent, self.received, self.duplicated = {}, set(), 0
        return taken

    def unreceived(self) -> dict[str, int]:
        """Confirmed messages no connection has received yet: key -> recipient account id."""
        return {key: to for key, to in self.sent.items() if key not in self.received}


class Receipts:
    """What one connection has received, so it can tell a duplicate from a first delivery."""

    def __init__(self, log: DeliveryLog) -> None:
        self.log = log
        self.seen: set[str] = set()

    def receive(self, key: str) -> None:
        if key in self.seen:
            self.log.record_duplicate()
            return
        self.seen.add(key)
        self.log.record_received(key)


class DeliveryVerdict(BaseModel):
    """The run's chat (or live room) delivery check."""

    kind: str = "chat"
    """`chat` (direct messages) or `live` (room comments, one key per expected viewer)."""
    sent: int
    """Messages the server confirmed."""
    backlog: int
    """Of those, found waiting in an offline recipient's inbox after the run (not lost)."""
    lost: int
    duplicated: int

    def metrics(self) -> dict[str, Metric]:
        counts = {"sent": self.sent, "backlog": self.backlog, "lost": self.lost}
        counts["duplicated"] = self.duplicated
        if self.kind == "live":  # a room has no backlog; `live.comments` counts the sent
            counts = {"lost": self.lost, "duplicated": self.duplicated}
        return {f"{self.kind}.{name}": Metric(value=n, unit="count") for name, n in counts.items()}

    def problems(self) -> list[str]:
        """Why the run fails: any message lost or delivered twice."""
        found = [(self.lost, "lost"), (self.duplicated, "delivered more than once")]
        items = "messages" if self.kind == "chat" else "comment deliveries"
        return [f"{self.kind}: {n} of {self.sent} {items} {what}" for n, what in found if n]


def verdict(log: DeliveryLog, drained: Iterable[str], kind: str = "chat") -> DeliveryVerdict:
    """Judge the run once the backlogs have been `drained` (keys pushed on reconnecting).

    A drained key that a connection had already received was delivered twice.
    """
    waiting = log.unreceived()
    drained = list(drained)
    late = {key for key in drained if key in waiting}
    again = sum(1 for key in drained if key in log.received)
    return DeliveryVerdict(
        kind=kind,
        sent=len(log.sent),
        backlog=len(late),
        lost=len(waiting) - len(late),
        duplicated=log.duplicated + again + len(drained) - len(set(drained)),
    )
