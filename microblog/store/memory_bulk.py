"""Bulk seeding of the memory backend: a million accounts and tens of millions of follows.

Seeding one service call per account and per edge costs microseconds each, minutes for a
million-user graph; the simulator (like the server's `/admin/seed/*`) hands the store whole
columns instead. Follow sets start as compressed sparse rows (two numpy arrays per
direction); a row is read in place and stays a compact sorted array when changed (a set
would cost ~60 bytes per member, an array 4), so a simulated day keeps the graph compact
however many rows its readers and writers reach.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterator, MutableSet, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from microblog.models import Account, Group, Post, Profile, Role, Tier
from microblog.store.memory import FollowSets, MemoryData, MemoryStore


@dataclass(frozen=True)
class Csr:
    """Compressed sparse rows: row i holds `indices[indptr[i]:indptr[i + 1]]`, ascending."""

    indptr: np.ndarray
    indices: np.ndarray

    @classmethod
    def from_pairs(cls, rows: np.ndarray, cols: np.ndarray, n_rows: int) -> Csr:
        """Rows from (row, col) pairs, duplicates dropped and each row sorted."""
        width = max(n_rows, int(cols.max(initial=0)) + 1)
        keys = np.unique(rows.astype(np.int64) * width + cols)
        rows, cols = np.divmod(keys, width)
        indptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n_rows), out=indptr[1:])
        return cls(indptr, cols.astype(np.int32))

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1

    def degrees(self) -> np.ndarray:
        return np.diff(self.indptr)

    def row(self, i: int) -> np.ndarray:
        return self.indices[self.indptr[i] : self.indptr[i + 1]]

    def transpose(self, n_cols: int) -> Csr:
        """The same pairs with rows and columns swapped (followees ↔ followers).

        Sorting (column, row) keys packed into one integer is several times faster than a
        stable argsort of the columns, and leaves each new row sorted too.
        """
        rows = np.repeat(np.arange(self.n_rows, dtype=np.int64), self.degrees())
        keys = (self.indices.astype(np.int64) << 32) | rows
        keys.sort()
        indptr = np.zeros(n_cols + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.indices, minlength=n_cols), out=indptr[1:])
        return Csr(indptr, (keys & 0xFFFFFFFF).astype(np.int32))


_MIN_MERGE = 32
"""Changes a row keeps beside its array before merging them, however short the row."""


def _in_range(ids: Sequence[int], item: int, start: int, end: int) -> bool:
    """`item` is among `ids[start:end]`, which ascend (bisected, never sliced)."""
    at = bisect_left(ids, item, start, end)
    return at < end and ids[at] == item


class CompactRow(MutableSet[int]):
    """One account's follows, read in place from the compressed rows: a sorted int32 view
    (4 bytes an id, searched by bisection, never copied), with the follows and unfollows
    since kept beside it in two small sets and merged into an array of the row's own once
    they outgrow an eighth of it.

    A simulated day reads most rows of a million-account graph, for fan-out, friend lists
    and membership checks, and changes a few members of many rows, influencers' above all.
    As Python sets (~60 bytes a member) those rows grew the process by gigabytes: a single
    new follower turned a big V's million-id row into a set. Rows never changed hold no
    sets at all (an empty set alone costs 216 bytes).
    """

    __slots__ = ("_sorted", "_added", "_removed")

    def __init__(self, ids: Sequence[int]) -> None:
        """`ids`: ascending, unique; kept (not copied) until the row's changes are merged."""
        self._sorted = ids
        self._added: set[int] | None = None  # members not in _sorted
        self._removed: set[int] | None = None  # members of _sorted that left

    def __contains__(self, item: object) -> bool:
        if not isinstance(item, int) or (self._removed and item in self._removed):
            return False
        if self._added and item in self._added:
            return True
        return _in_range(self._sorted, item, 0, len(self._sorted))

    def __iter__(self) -> Iterator[int]:
        removed, added = self._removed, self._added
        kept = (i for i in self._sorted if i not in removed) if removed else iter(self._sorted)
        return chain(kept, sorted(added)) if added else kept

    def __len__(self) -> int:
        return len(self._sorted) - len(self._removed or ()) + len(self._added or ())

    def add(self, value: int) -> None:
        if self._removed and value in self._removed:
            self._removed.discard(value)
        elif value not in self:
            if self._added is None:
                self._added = set()
            self._added.add(value)
            self._merge_when_large()

    def discard(self, value: int) -> None:
        if self._added and value in self._added:
            self._added.discard(value)
        elif value in self:
            if self._removed is None:
                self._removed = set()
            self._removed.add(value)
            self._merge_when_large()

    def _merge_when_large(self) -> None:
        """Fold the changes into the array once they outgrow an eighth of it, so a lookup
        stays a bisection and two set probes and the sets stay small beside the array."""
        changes = len(self._added or ()) + len(self._removed or ())
        if changes > max(_MIN_MERGE, len(self._sorted) // 8):
            self._sorted = array("i", sorted(self))
            self._added = self._removed = None


class CsrSets(FollowSets):
    """Account id → set of account ids, read in place from compressed rows.

    `get` answers an unchanged row with a fresh view of it and keeps nothing; `[]`, which
    writers use, keeps the row it returns, so changes to it last. A day's readers reach
    most of a million rows: kept, each cost ~300 bytes more than its ids. Ids outside the
    rows (accounts created later) start empty, as in a plain defaultdict.
    """

    def __init__(self, rows: Csr, first_id: int) -> None:
        super().__init__()
        self._ids = (rows.indices.astype(np.int64) + first_id).astype(np.int32).data
        self._starts = np.asarray(rows.indptr, dtype=np.int64).data
        self._first = first_id
        self._n_rows = rows.n_rows

    def _row(self, position: int) -> CompactRow:
        return CompactRow(self._ids[self._starts[position] : self._starts[position + 1]])

    def __missing__(self, key: int) -> MutableSet[int]:
        position = key - self._first
        members: MutableSet[int]
        members = self._row(position) if 0 <= position < self._n_rows else set()
        self[key] = members
        return members

    def get(self, key: int, default: object = None) -> MutableSet[int] | object:  # type: ignore[override]
        kept = dict.get(self, key)
        if kept is not None:
            return kept
        position = key - self._first
        return self._row(position) if 0 <= position < self._n_rows else default

    def has(self, key: int, item: int) -> bool:
        """Bisects an unchanged row in place, as `CompactRow` would, without making one."""
        kept = dict.get(self, key)
        if kept is not None:
            return item in kept
        position = key - self._first
        if not 0 <= position < self._n_rows:
            return False
        return _in_range(self._ids, item, self._starts[position], self._starts[position + 1])


@dataclass(frozen=True)
class BulkAccounts:
    """Columns of the accounts to create; row i becomes the i-th new account."""

    names: Sequence[str]
    roles: Sequence[Role]
    tiers: Sequence[Tier | None]
    verified: Sequence[bool]
    profiles: Sequence[Profile]

    def __len__(self) -> int:
        return len(self.names)


def bulk_load(store: MemoryStore, accounts: BulkAccounts, follows: Csr, created_at: float) -> int:
    """Create the accounts and the follow edges between them; returns the first new id.

    Row i of `follows` lists the rows of the accounts that account i follows; account i
    gets id `first + i`. The store keeps the given profiles. It must not hold any follow
    edge yet: its follow sets are replaced by compressed ones.
    """
    if follows.n_rows != len(accounts) or not len(accounts):
        raise ValueError(f"{follows.n_rows} follow rows for {len(accounts)} accounts")
    with store.write():
        data = store.data
        if isinstance(data.followees, CsrSets) or data.followers or data.followees:
            raise ValueError("bulk_load needs a store without follow edges")
        first = _create_accounts(data, accounts, follows, created_at)
        data.followees = CsrSets(follows, first)
        data.followers = CsrSets(follows.transpose(len(accounts)), first)
    return first


def _create_accounts(
    data: MemoryData, accounts: BulkAccounts, follows: Csr, created_at: float
) -> int:
    taken = data.names.keys() & set(accounts.names)
    if taken:
        raise ValueError(f"names already taken: {', '.join(sorted(taken)[:5])}")
    ids = [data.next_id("accounts") for _ in range(len(accounts))]
    followers = np.bincount(follows.indices, minlength=len(accounts)).tolist()
    columns = zip(
        ids,
        accounts.names,
        accounts.roles,
        accounts.profiles,
        accounts.tiers,
        accounts.verified,
        followers,
        follows.degrees().tolist(),
        strict=True,
    )
    data.accounts.update(
        (account_id, Account(account_id, name, role, profile, tier, verified, created_at, *counts))
        for account_id, name, role, profile, tier, verified, *counts in columns
    )
    data.names.update(zip(accounts.names, ids, strict=True))
    return ids[0]


@dataclass(frozen=True)
class BulkPosts:
    """Columns of posts to create, oldest first; row i becomes the i-th new post."""

    authors: Sequence[int]
    created_at: Sequence[float]
    texts: Sequence[str]
    group_ids: Sequence[int | None]
    """The group a post was written in (its members read it), None for a public post."""
    pushed: Sequence[bool]
    """Whether fan-out on write delivered the post (`Timelines.pushes` of its author)."""

    def __len__(self) -> int:
        return len(self.authors)


def bulk_posts(store: MemoryStore, posts: BulkPosts) -> list[int]:
    """Create posts in one write; returns their ids, ascending in row order.

    The store must hold no post yet: ids order timelines, so a past written after newer
    posts would read as newer than them. Authors of public posts not pushed become pull
    authors, as `Posts.create` marks them.
    """
    with store.write():
        data = store.data
        if data.posts:
            raise ValueError("bulk_posts needs a store without posts")
        ids = [data.next_id("posts") for _ in range(len(posts))]
        columns = zip(
            ids, posts.authors, posts.texts, posts.created_at, posts.group_ids, posts.pushed,
            strict=True,
        )  # fmt: skip
        for post_id, author, text, created_at, group_id, pushed in columns:
            data.posts[post_id] = Post(post_id, author, text, created_at, group_id, pushed=pushed)
            if group_id is not None:
                data.group_posts[group_id].append(post_id)
                continue
            data.author_posts[author].append(post_id)
            (data.author_pushed if pushed else data.author_unpushed)[author].append(post_id)
            if not pushed:
                data.pull_authors.add(author)
    return ids


def bulk_groups(
    store: MemoryStore, names: Sequence[str], members: Csr, first_account: int, created_at: float
) -> list[int]:
    """Create groups whose row in `members` lists account rows (offset by `first_account`).

    Each group's first member owns it. Returns the new groups' ids, in row order.
    """
    if len(names) != members.n_rows:
        raise ValueError(f"{members.n_rows} member rows for {len(names)} groups")
    with store.write():
        return [
            _create_group(store.data, name, (members.row(row) + first_account).tolist(), created_at)
            for row, name in enumerate(names)
        ]


def _create_group(data: MemoryData, name: str, account_ids: list[int], created_at: float) -> int:
    if not account_ids:
        raise ValueError(f"group {name!r} has no members to own it")
    group = Group(data.next_id("groups"), name, account_ids[0], created_at, len(account_ids))
    data.groups[group.id] = group
    data.members[group.id] = set(account_ids)
    for account_id in account_ids:
        data.memberships[account_id].add(group.id)
    return group.id
