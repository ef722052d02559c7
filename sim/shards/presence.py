"""Presence across shards: who of another shard's accounts is connected, one window late.

An account's live connection is held by its own shard (its sessions run there), so its
presence is owned there. Whatever another shard needs of it (a friends page showing who is
online, whether a message to it is delivered live or waits) reads a replica: each connect,
disconnect or status choice of an account is sent to every other shard as a `presence`
message and applied at the barrier (`sim.shards.replica`). A window's staleness is what a
real deployment shows too: presence travels between server processes over a bus and a
directory with a heartbeat (`microblog.services.switchboard`), never in the same instant.

`ShardSwitchboard` is the chat service's switchboard on a shard: its own hub's connections
plus that replica. A call on this shard that reaches another shard's connected account
(a message to it, a presence change told to it) is priced here, where the request ran, as
the platform's one switchboard would do it inside the request: the owner's shard does the
delivery when the message reaches it, outside any priced call.
"""

from __future__ import annotations

from collections.abc import Iterable

from microblog.chat_models import PresenceChange
from microblog.services.hub import Hub
from microblog.services.switchboard import LocalSwitchboard
from microblog.work import record


class ShardSwitchboard:
    """A shard's switchboard: its hub's connections, and other shards' as last replicated."""

    def __init__(self, local: LocalSwitchboard) -> None:
        self.local = local
        self.hub: Hub = local.hub
        self.remote: set[int] = set()
        """Accounts of other shards connected as of the last barrier."""

    def online(self, account_ids: Iterable[int]) -> list[int]:
        ids = list(account_ids)
        here = set(self.hub.online(ids))
        return [i for i in ids if i in here or i in self.remote]

    def counted(self, account_id: int, connections: int) -> None:
        self.local.counted(account_id, connections)

    def mail(self, account_ids: list[int]) -> None:
        """Deliver here now; a connected recipient elsewhere costs this request what its
        delivery costs (one undelivered entry read and marked, one push)."""
        self.local.mail(account_ids)
        away = len(self.elsewhere(account_ids))
        record(db_reads=away, db_writes=away, pushes=away)

    def announce(self, friend_ids: list[int], change: PresenceChange) -> None:
        """Tell the friends connected here now; those connected elsewhere are told by their
        shard when the change reaches it, and their pushes are priced here."""
        self.local.announce(friend_ids, change)
        record(pushes=len(self.elsewhere(friend_ids)))

    def close(self) -> None:
        self.local.close()

    def elsewhere(self, account_ids: list[int]) -> list[int]:
        return [i for i in account_ids if i in self.remote]

    def replicate(self, account_id: int, connected: bool) -> None:
        """Another shard's account connected or disconnected (applied at a barrier)."""
        if connected:
            self.remote.add(account_id)
        else:
            self.remote.discard(account_id)
