"""Presence: the status each account chooses, what its friends see, and pushing changes.

An account chooses `online`, `busy`, `away` or `invisible` (stored; `online` until it first
chooses). Others see that choice only while it has a live connection, and never see
`invisible`: both show as `offline`. Whenever what friends see changes (connect, last
disconnect, a new choice), the change is pushed to every connected friend. Friends are
mutual follows of the social graph.
"""

from __future__ import annotations

from microblog.chat_models import FriendPresence, PresenceChange, Status
from microblog.errors import Invalid
from microblog.models import Page
from microblog.services.context import Context
from microblog.services.cursors import name_cursor, parse_name_cursor
from microblog.services.hub import Connection, Hub

CHOOSABLE = frozenset(Status) - {Status.OFFLINE}


def seen_as(connected: bool, chosen: Status) -> Status:
    """The status others see for an account with this choice."""
    return chosen if connected and chosen is not Status.INVISIBLE else Status.OFFLINE


class Presence:
    def __init__(self, ctx: Context, hub: Hub) -> None:
        self.ctx = ctx
        self.hub = hub

    def connect(self, account_id: int, connection: Connection) -> None:
        """A live connection opened; friends see the account come online (unless invisible)."""
        with self.hub.lock(account_id):
            before = self.visible_status(account_id)
            self.hub.attach(account_id, connection)
            self._announce(account_id, before)

    def disconnect(self, account_id: int, connection: Connection) -> None:
        """A connection closed; after the last one, friends see the account go offline."""
        with self.hub.lock(account_id):
            before = self.visible_status(account_id)
            self.hub.detach(account_id, connection)
            self._announce(account_id, before)

    def set_status(self, account_id: int, status: Status) -> Status:
        """Choose a status; it is kept across connections until chosen again."""
        if status not in CHOOSABLE:
            raise Invalid(
                "status must be online, busy, away or invisible (offline means disconnected), "
                f"got {status.value!r}",
                field="status",
            )
        with self.hub.lock(account_id):
            before = self.visible_status(account_id)
            with self.ctx.store.write() as tx:
                tx.chat.set_status(account_id, status)
            self._announce(account_id, before)
        return status

    def chosen_status(self, account_id: int) -> Status:
        with self.ctx.store.read() as tx:
            return tx.chat.statuses([account_id]).get(account_id, Status.ONLINE)

    def visible_status(self, account_id: int) -> Status:
        """The status everyone else sees."""
        if not self.hub.is_online(account_id):
            return Status.OFFLINE
        return seen_as(True, self.chosen_status(account_id))

    def friends(
        self, viewer_id: int, prefix: str = "", cursor: str | None = None, limit: int = 20
    ) -> Page[FriendPresence]:
        """The viewer's friends whose name starts with `prefix` (any case), by name, with the
        status each shows; the next page starts after the last name of this one."""
        limit = self.ctx.page_limit(limit)
        after = parse_name_cursor(cursor)
        with self.ctx.store.read() as tx:
            found = tx.chat.friends(viewer_id, prefix, after, limit)
            online = set(self.hub.online(i for i, _ in found))
            chosen = tx.chat.statuses(sorted(online))
        items = [
            FriendPresence(i, name, seen_as(i in online, chosen.get(i, Status.ONLINE)))
            for i, name in found
        ]
        return Page(items, name_cursor(found[-1][1]) if len(found) == limit else None)

    def _announce(self, account_id: int, before: Status) -> None:
        """Push the account's new visible status to connected friends, if it changed."""
        after = self.visible_status(account_id)
        if after is before:
            return
        with self.ctx.store.read() as tx:
            friends = [i for i, _ in tx.chat.friends(account_id, "", None, None)]
            account = tx.accounts.get(account_id)
        assert account is not None, "connected accounts exist"
        change = PresenceChange(account_id, account.name, after)
        for friend_id in self.hub.online(friends):
            self.hub.push(friend_id, [change])
