"""Storage interfaces: one small repository per domain, grouped into a transaction.

Services never see a backend. They open `store.read()` or `store.write()` and call the
repositories on the `Tx` it yields; everything inside one `write()` block commits or rolls
back together (the memory backend serialises blocks under one lock instead, so services
check before they change anything). Every repository method records the rows or keys it
touched in the active `Work` scope, by the same rule in every backend:
rows returned or affected, never the cost of how a backend found them.

Lists are newest first and paged with `before`: ids strictly below it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Protocol

from microblog.models import Account, Comment, Group, Post, Profile, Role, Tier
from microblog.store.money_repos import GameRepo, IdempotencyRepo, LedgerRepo, ShopRepo, TopUpRepo


class AccountRepo(Protocol):
    def create(
        self,
        name: str,
        role: Role,
        profile: Profile,
        created_at: float,
        *,
        tier: Tier | None = None,
        verified: bool = False,
        password_hash: str | None = None,
    ) -> Account:
        """Insert an account; raises `Conflict` when the name is taken."""
        ...

    def get(self, account_id: int) -> Account | None: ...
    def get_many(self, account_ids: list[int]) -> dict[int, Account]: ...
    def get_by_name(self, name: str) -> Account | None: ...
    def password_hash(self, account_id: int) -> str | None: ...
    def update_profile(self, account_id: int, profile: Profile) -> None: ...
    def add_follow_counts(self, follower_id: int, followee_id: int, delta: int) -> None:
        """Keep follower/followee counters exact in the same transaction as the edge."""
        ...

    def add_token(self, token_hash: str, account_id: int, created_at: float) -> None: ...
    def account_for_token(self, token_hash: str) -> int | None: ...
    def mark_pull_author(self, account_id: int) -> None:
        """Remember that this author has posts that were not pushed (hybrid merges them)."""
        ...

    def count(self) -> int: ...


class GraphRepo(Protocol):
    def add(self, follower_id: int, followee_id: int, created_at: float) -> bool:
        """Add the edge; False when it already existed."""
        ...

    def remove(self, follower_id: int, followee_id: int) -> bool: ...
    def exists(self, follower_id: int, followee_id: int) -> bool: ...
    def followers(self, account_id: int, before: int | None, limit: int) -> list[int]: ...
    def followees(self, account_id: int, before: int | None, limit: int) -> list[int]: ...
    def all_followees(self, account_id: int) -> list[int]: ...
    def pull_followees(self, account_id: int) -> list[int]:
        """Followees marked as pull authors (hybrid strategy)."""
        ...

    def follower_chunks(self, account_id: int, size: int) -> Iterator[list[int]]:
        """All followers in chunks, for fan-out (each chunk may be its own transaction)."""
        ...


class PostRepo(Protocol):
    def create(
        self,
        author_id: int,
        text: str,
        created_at: float,
        *,
        group_id: int | None,
        repost_of: int | None,
        pushed: bool,
    ) -> Post: ...

    def get(self, post_id: int) -> Post | None: ...
    def get_many(self, post_ids: list[int]) -> dict[int, Post]: ...
    def set_text(self, post_id: int, text: str, edited_at: float) -> None: ...
    def mark_deleted(self, post_id: int) -> None: ...
    def add_counts(
        self, post_id: int, *, likes: int = 0, comments: int = 0, reposts: int = 0
    ) -> None: ...
    def by_author(
        self, author_id: int, before: int | None, limit: int, *, pushed: bool | None = None
    ) -> list[int]:
        """Ids of the author's public (non-group) posts, tombstones included.

        `pushed` narrows to posts fan-out did (True) or did not (False) deliver.
        """
        ...

    def by_group(self, group_id: int, before: int | None, limit: int) -> list[int]: ...
    def add_like(self, post_id: int, account_id: int) -> bool: ...
    def remove_like(self, post_id: int, account_id: int) -> bool: ...
    def add_comment(
        self, post_id: int, author_id: int, text: str, created_at: float
    ) -> Comment: ...

    def comments(self, post_id: int, before: int | None, limit: int) -> list[Comment]: ...
    def add_mentions(self, post_id: int, account_ids: list[int]) -> None: ...
    def mentions(self, account_id: int, before: int | None, limit: int) -> list[int]: ...


class TimelineRepo(Protocol):
    """Materialised home timelines (the cache tier): post ids per owner."""

    def deliver(self, owner_ids: list[int], post_id: int, capacity: int) -> None:
        """Append one post to many timelines, keeping about `capacity` newest each."""
        ...

    def page(self, owner_id: int, before: int | None, limit: int) -> list[int]: ...
    def replace(self, owner_id: int, post_ids: list[int]) -> None:
        """Rebuild one timeline from scratch (follow backfill, unfollow)."""
        ...


class GroupRepo(Protocol):
    def create(self, name: str, owner_id: int, created_at: float) -> Group: ...
    def get(self, group_id: int) -> Group | None: ...
    def add_member(self, group_id: int, account_id: int) -> bool: ...
    def remove_member(self, group_id: int, account_id: int) -> bool: ...
    def is_member(self, group_id: int, account_id: int) -> bool: ...
    def groups_of(self, account_id: int) -> list[int]: ...
    def members(self, group_id: int, before: int | None, limit: int) -> list[int]: ...


class Tx(Protocol):
    """The repositories, bound to one transaction."""

    accounts: AccountRepo
    graph: GraphRepo
    posts: PostRepo
    timelines: TimelineRepo
    groups: GroupRepo
    ledger: LedgerRepo
    idempotency: IdempotencyRepo
    topups: TopUpRepo
    games: GameRepo
    shops: ShopRepo


class Store(Protocol):
    """A backend. `read()` may run concurrently; `write()` blocks are serialised."""

    def read(self) -> AbstractContextManager[Tx]: ...
    def write(self) -> AbstractContextManager[Tx]: ...
    def close(self) -> None: ...
