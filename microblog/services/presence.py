"""Presence: the status each account chooses, what its friends see, and pushing changes.

An account chooses `online`, `busy`, `away` or `invisible` (stored; `online` until it first
chooses). Others see that choice only while it has a live connection (in any server
process: the switchboard knows), and never see `invisible`: both show as `offline`.
Whenever what friends see changes (connect, last disconnect, a new choice), the change is
pushed to every connected friend. Friends are mutual follows of the social graph. With a
shared cache tier, chosen statuses are also cached there (`microblog.cache.presence`).

Each process serialises an account's changes under its hub lock; two processes changing
one account at the same moment may each announce the same status, so a friend may be told
a status twice, never a wrong one last.
"""

from __future__ import annotations

from microblog.cache.presence import StatusCache
from microblog.chat_models import FriendPresence, PresenceChange, Status
from microblog.errors import Invalid
from microblog.models import Page
from microblog.services.context import Context
from microblog.services.cursors import name_cursor, parse_name_cursor
from microblog.services.hub import Connection, Hub
from microblog.services.switchboard import Switchboard

CHOOSABLE = frozenset(Status) - {Status.OFFLINE}


def seen_as(connected: bool, chosen: Status) -> Status:
    """The status others see for an account with this choice."""
    return chosen if connected and chosen is not Status.INVISIBLE else Status.OFFLINE


class Presence:
    def __init__(self, ctx: Context, hub: Hub, switchboard: Switchboard) -> None:
        self.ctx = ctx
        self.hub = hub
        self.switchboard = switchboard
        self.cached = StatusCache(ctx.cache, ctx.config.presence) if ctx.cache.shared else None

    def connect(self, account_id: int, connection: Connection) -> None:
        """A live connection opened; friends see the account come online (unless invisible)."""
        with self.hub.lock(account_id):
            before = self.visible_status(account_id)
            self.switchboard.counted(account_id, self.hub.attach(account_id, connection))
            self._announce(account_id, before)

    def disconnect(self, account_id: int, connection: Connection) -> None:
        """A connection closed; after the last one, friends see the account go offline."""
        with self.hub.lock(account_id):
            before = self.visible_status(account_id)
            self.switchboard.counted(account_id, self.hub.detach(account_id, connection))
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
                if self.cached is not None:  # after the row lock: in commit order
                    self.cached.put(account_id, status.value)
            self._announce(account_id, before)
        return status

    def chosen_status(self, account_id: int) -> Status:
        return self.chosen([account_id]).get(account_id, Status.ONLINE)

    def chosen(self, account_ids: list[int]) -> dict[int, Status]:
        """Chosen statuses; accounts that never chose one may be absent (they are online)."""
        if self.cached is None:
            with self.ctx.store.read() as tx:
                return tx.chat.statuses(account_ids)
        found = {i: Status(s) for i, s in self.cached.get(account_ids).items()}
        if missing := [i for i in account_ids if i not in found]:
            with self.ctx.store.read() as tx:
                stored = tx.chat.statuses(missing)
            loaded = {i: stored.get(i, Status.ONLINE) for i in missing}
            self.cached.fill({i: s.value for i, s in loaded.items()})
            found |= loaded
        return found

    def visible_status(self, account_id: int) -> Status:
        """The status everyone else sees."""
        if not self.switchboard.online([account_id]):
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
        online = set(self.switchboard.online(i for i, _ in found))
        chosen = self.chosen(sorted(online))
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
        self.switchboard.announce(friends, PresenceChange(account_id, account.name, after))
