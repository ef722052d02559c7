"""The follow graph: follow, unfollow, followers, followees and friends (mutual follows)."""

from __future__ import annotations

from collections.abc import Set

from microblog.errors import Conflict, Invalid, NotFound
from microblog.models import Account, Page
from microblog.services.context import Context
from microblog.services.cursors import next_id_cursor, parse_id_cursor
from microblog.services.timelines import Timelines
from microblog.store.base import Tx

LOOKUP_CHUNK = 500
"""Ids per existence query of a bulk edge list, well below SQLite's bound variables."""


class SocialGraph:
    def __init__(self, ctx: Context, timelines: Timelines) -> None:
        self.ctx = ctx
        self.timelines = timelines

    def follow(self, actor_id: int, target_id: int) -> None:
        """Follow an account; its recent posts join the actor's home timeline."""
        if actor_id == target_id:
            raise Invalid("an account cannot follow itself", field="account_id")
        with self.ctx.store.write() as tx:
            self._require(tx, target_id)
            if not tx.graph.add(actor_id, target_id, self.ctx.clock()):
                raise Conflict(f"already following account {target_id}")
            tx.accounts.add_follow_counts(actor_id, target_id, +1)
        self.timelines.backfill(actor_id, target_id)

    def unfollow(self, actor_id: int, target_id: int) -> None:
        """Stop following; the target's posts leave the actor's home timeline."""
        with self.ctx.store.write() as tx:
            if not tx.graph.remove(actor_id, target_id):
                raise NotFound(f"not following account {target_id}")
            tx.accounts.add_follow_counts(actor_id, target_id, -1)
        self.timelines.rebuild(actor_id)

    def follow_many(self, edges: list[tuple[int, int]]) -> int:
        """Bulk seeding path: add edges (skipping duplicates and self-follows) without
        rebuilding timelines; counts stay exact. Returns how many edges were new."""
        distinct = [(a, b) for a, b in dict.fromkeys(edges) if a != b]
        with self.ctx.store.write() as tx:
            self._require_all(tx, sorted({i for edge in distinct for i in edge}))
            added = tx.graph.add_many(distinct, self.ctx.clock())
            tx.accounts.add_follow_counts_many(added)
        return len(added)

    def followers(
        self, account_id: int, cursor: str | None = None, limit: int = 20
    ) -> Page[Account]:
        return self._page(account_id, cursor, limit, followers=True)

    def followees(
        self, account_id: int, cursor: str | None = None, limit: int = 20
    ) -> Page[Account]:
        return self._page(account_id, cursor, limit, followers=False)

    def is_following(self, follower_id: int, followee_id: int) -> bool:
        with self.ctx.store.read() as tx:
            return tx.graph.exists(follower_id, followee_id)

    def are_friends(self, a: int, b: int) -> bool:
        """Friends follow each other."""
        with self.ctx.store.read() as tx:
            return tx.graph.exists(a, b) and tx.graph.exists(b, a)

    def friends_among(self, account_id: int, others: Set[int]) -> list[int]:
        """Those of `others` who are the account's friends, in ascending id order.

        ("Two of your friends bought this.") Walks the shorter side, the candidates or the
        account's followees, so a popular product's thousands of buyers cost no more than
        the reader's own follows.
        """
        with self.ctx.store.read() as tx:
            account = tx.accounts.get(account_id)
            if account is None:
                return []
            if account.followee_count < len(others):
                followed = [f for f in tx.graph.all_followees(account_id) if f in others]
            else:
                followed = [o for o in sorted(others) if tx.graph.exists(account_id, o)]
            return [f for f in followed if tx.graph.exists(f, account_id)]

    def friends(self, account_id: int) -> list[int]:
        with self.ctx.store.read() as tx:
            return [f for f in tx.graph.all_followees(account_id) if tx.graph.exists(f, account_id)]

    def _page(
        self, account_id: int, cursor: str | None, limit: int, *, followers: bool
    ) -> Page[Account]:
        limit = self.ctx.page_limit(limit)
        before = parse_id_cursor(cursor)
        with self.ctx.store.read() as tx:
            self._require(tx, account_id)
            listing = tx.graph.followers if followers else tx.graph.followees
            ids = listing(account_id, before, limit)
            found = tx.accounts.get_many(ids)
        return Page([found[i] for i in ids], next_id_cursor(ids, limit))

    @staticmethod
    def _require(tx: Tx, account_id: int) -> Account:
        account = tx.accounts.get(account_id)
        if account is None:
            raise NotFound(f"no account {account_id}")
        return account

    @staticmethod
    def _require_all(tx: Tx, account_ids: list[int]) -> None:
        """Every account of a bulk edge list exists (looked up in chunks of bounded size)."""
        for start in range(0, len(account_ids), LOOKUP_CHUNK):
            chunk = account_ids[start : start + LOOKUP_CHUNK]
            missing = set(chunk).difference(tx.accounts.get_many(chunk))
            if missing:
                raise NotFound(f"no account {min(missing)}", field="edges")
