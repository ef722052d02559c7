"""Push outboxes across shards: a push to another shard's account lands in its outbox there.

A push is sent to the provider where the call that caused it ran (a chat message, a mention,
a live start), and priced there; the record of it belongs to the device's outbox, which its
account's phone reads (`push_read`) in sessions that run on its own shard. So on a shard
the push repository keeps the pushes to accounts it owns and hands the others over, to
travel as a `push` message and be stored by the owner at the barrier, one window later
(a phone's next read, seconds to hours away, finds it either way; ids in an outbox only
order it, so the owner numbering them on arrival changes nothing a reader sees).
"""

from __future__ import annotations

from collections.abc import Callable

from microblog.push_models import PushMessage
from microblog.store.memory_push import MemoryPush, PushData
from microblog.work import record


class RoutedPush(MemoryPush):
    """The memory push repository of a shard (installed in its store's transaction)."""

    def __init__(
        self,
        data: PushData,
        owned: Callable[[int], bool],
        elsewhere: Callable[[list[PushMessage]], None],
    ) -> None:
        super().__init__(data)
        self.owned = owned
        self.elsewhere = elsewhere

    def add_many(self, pushes: list[PushMessage]) -> None:
        """Store this shard's accounts' pushes; hand over the rest, priced as written here."""
        away = [push for push in pushes if not self.owned(push.account_id)]
        if not away:
            super().add_many(pushes)
            return
        super().add_many([push for push in pushes if self.owned(push.account_id)])
        record(db_writes=len(away))
        self.elsewhere(away)
