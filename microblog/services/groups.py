"""Groups: members-only broadcast. A group post reaches members' home timelines and nobody else."""

from __future__ import annotations

from microblog.errors import Conflict, Forbidden, Invalid, NotFound
from microblog.models import Account, Group, Page, Post
from microblog.services.context import Context
from microblog.services.cursors import next_id_cursor, parse_id_cursor
from microblog.services.timelines import Timelines
from microblog.store.base import Tx


class Groups:
    def __init__(self, ctx: Context, timelines: Timelines) -> None:
        self.ctx = ctx
        self.timelines = timelines

    def create(self, owner_id: int, name: str) -> Group:
        """Create a group; its owner is its first member."""
        if not 1 <= len(name.strip()) <= 100:
            raise Invalid(f"group name must be 1-100 characters, got {len(name)}", field="name")
        with self.ctx.store.write() as tx:
            group = tx.groups.create(name.strip(), owner_id, self.ctx.clock())
            tx.groups.add_member(group.id, owner_id)
            found = tx.groups.get(group.id)
        assert found is not None
        self.timelines.joined_group(owner_id)
        return found

    def get(self, group_id: int) -> Group:
        with self.ctx.store.read() as tx:
            return self._require(tx, group_id)

    def join(self, actor_id: int, group_id: int) -> None:
        with self.ctx.store.write() as tx:
            self._require(tx, group_id)
            if not tx.groups.add_member(group_id, actor_id):
                raise Conflict(f"already a member of group {group_id}")
        self.timelines.joined_group(actor_id)

    def leave(self, actor_id: int, group_id: int) -> None:
        with self.ctx.store.write() as tx:
            self._require(tx, group_id)
            if not tx.groups.remove_member(group_id, actor_id):
                raise NotFound(f"not a member of group {group_id}")

    def is_member(self, group_id: int, account_id: int) -> bool:
        with self.ctx.store.read() as tx:
            return tx.groups.is_member(group_id, account_id)

    def members(
        self, viewer_id: int, group_id: int, cursor: str | None = None, limit: int = 20
    ) -> Page[Account]:
        limit = self.ctx.page_limit(limit)
        with self.ctx.store.read() as tx:
            self._require_member(tx, group_id, viewer_id)
            ids = tx.groups.members(group_id, parse_id_cursor(cursor), limit)
            found = tx.accounts.get_many(ids)
        return Page([found[i] for i in ids], next_id_cursor(ids, limit))

    def feed(
        self, viewer_id: int, group_id: int, cursor: str | None = None, limit: int = 20
    ) -> Page[Post]:
        """The group's posts, newest first, for members only."""
        limit = self.ctx.page_limit(limit)
        with self.ctx.store.read() as tx:
            self._require_member(tx, group_id, viewer_id)
            ids = tx.posts.by_group(group_id, parse_id_cursor(cursor), limit)
            found = tx.posts.get_many(ids)
        return Page([found[i] for i in ids if not found[i].deleted], next_id_cursor(ids, limit))

    def _require_member(self, tx: Tx, group_id: int, account_id: int) -> None:
        self._require(tx, group_id)
        if not tx.groups.is_member(group_id, account_id):
            raise Forbidden(f"group {group_id} is visible to its members only")

    @staticmethod
    def _require(tx: Tx, group_id: int) -> Group:
        group = tx.groups.get(group_id)
        if group is None:
            raise NotFound(f"no group {group_id}")
        return group
