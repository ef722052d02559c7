"""Bulk seeding of the memory store: the same platform as seeding one call at a time."""

from __future__ import annotations

import itertools
from array import array
from dataclasses import replace as dataclass_replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microblog.config import FanoutStrategy, PlatformConfig
from microblog.errors import Forbidden
from microblog.models import Post, Profile, Role, Tier
from microblog.platform import Microblog
from microblog.services.accounts import NewAccount
from microblog.store.memory import MemoryStore
from microblog.store.memory_bulk import BulkAccounts, CompactRow, Csr, bulk_groups, bulk_load
from microblog.store.records import replace

NAMES = ["ann", "bob", "cat", "dan", "eve"]
FOLLOWS = [(0, 1), (0, 2), (1, 0), (2, 0), (3, 0), (4, 0), (4, 3)]
"""(follower row, followee row): ann and bob are friends; everyone follows ann."""


def new_blog(fanout: FanoutStrategy = FanoutStrategy.PUSH) -> Microblog:
    ticks = itertools.count(1)
    return Microblog(MemoryStore(), PlatformConfig(fanout=fanout), clock=lambda: float(next(ticks)))


def bulk_seeded(fanout: FanoutStrategy = FanoutStrategy.PUSH) -> tuple[Microblog, int]:
    blog = new_blog(fanout)
    accounts = BulkAccounts(
        names=NAMES,
        roles=[Role.INFLUENCER] + [Role.USER] * 4,
        tiers=[Tier.BIG_V] + [None] * 4,
        verified=[True] + [False] * 4,
        profiles=[Profile(region="east") for _ in NAMES],
    )
    rows, cols = np.array(FOLLOWS).T
    assert isinstance(blog.store, MemoryStore)
    first = bulk_load(blog.store, accounts, Csr.from_pairs(rows, cols, len(NAMES)), 0.0)
    return blog, first


def call_seeded() -> tuple[Microblog, int]:
    blog = new_blog()
    created = blog.accounts.register_many([NewAccount(name) for name in NAMES])
    first = created[0][0].id
    blog.graph.follow_many([(first + a, first + b) for a, b in FOLLOWS])
    return blog, first


def graph_view(blog: Microblog, first: int) -> list[tuple[list[int], list[int], int, int]]:
    view = []
    for row in range(len(NAMES)):
        account = blog.accounts.get(first + row)
        followers = [a.id - first for a in blog.graph.followers(first + row, limit=10).items]
        followees = [a.id - first for a in blog.graph.followees(first + row, limit=10).items]
        view.append((followers, followees, account.follower_count, account.followee_count))
    return view


def test_bulk_loaded_graph_reads_like_one_seeded_call_by_call() -> None:
    bulk, first = bulk_seeded()
    calls, call_first = call_seeded()
    assert graph_view(bulk, first) == graph_view(calls, call_first)
    assert bulk.graph.are_friends(first, first + 1)
    assert not bulk.graph.are_friends(first, first + 3)
    assert bulk.accounts.get_by_name("ann").tier is Tier.BIG_V


def test_follows_and_fan_out_work_on_a_bulk_loaded_graph() -> None:
    blog, first = bulk_seeded()
    blog.graph.follow(first + 1, first + 4)
    post = blog.posts.create(first, "hello followers")
    for row in (1, 2, 3, 4):
        assert [p.id for p in blog.timelines.home(first + row).items] == [post.id]
    assert blog.accounts.get(first + 4).follower_count == 1
    blog.graph.unfollow(first + 4, first)
    assert blog.timelines.home(first + 4).items == []


def test_bulk_groups_make_members_who_read_and_post_in_them() -> None:
    blog, first = bulk_seeded()
    assert isinstance(blog.store, MemoryStore)
    members = Csr.from_pairs(np.array([0, 0, 1]), np.array([1, 2, 4]), 2)
    group_ids = bulk_groups(blog.store, ["cooking", "chess"], members, first, 0.0)
    cooking = blog.groups.get(group_ids[0])
    assert (cooking.owner_id, cooking.member_count) == (first + 1, 2)
    post = blog.posts.create(first + 2, "soup tonight", group_id=cooking.id)
    assert [p.id for p in blog.groups.feed(first + 1, cooking.id).items] == [post.id]
    with pytest.raises(Forbidden):
        blog.groups.feed(first + 4, cooking.id)


def test_bulk_load_refuses_mismatched_rows_and_a_second_graph() -> None:
    blog, _ = bulk_seeded()
    assert isinstance(blog.store, MemoryStore)
    one = BulkAccounts(["zed"], [Role.USER], [None], [False], [Profile()])
    with pytest.raises(ValueError, match="2 follow rows for 1 accounts"):
        bulk_load(blog.store, one, Csr.from_pairs(np.array([0]), np.array([1]), 2), 0.0)
    with pytest.raises(ValueError, match="without follow edges"):
        bulk_load(blog.store, one, Csr.from_pairs(np.array([0]), np.array([0]), 1), 0.0)


def test_csr_from_pairs_sorts_rows_and_drops_duplicates() -> None:
    csr = Csr.from_pairs(np.array([1, 0, 1, 1]), np.array([2, 3, 0, 2]), 3)
    assert [csr.row(i).tolist() for i in range(3)] == [[3], [0, 2], []]
    assert [csr.transpose(4).row(i).tolist() for i in range(4)] == [[1], [], [1], [0]]


def test_csr_from_no_pairs_has_its_rows_all_empty() -> None:
    """A scenario with no groups builds its membership from no pairs at all."""
    none = np.array([], dtype=np.int64)
    csr = Csr.from_pairs(none, none, 3)
    assert csr.n_rows == 3 and [csr.row(i).tolist() for i in range(3)] == [[], [], []]
    assert Csr.from_pairs(none, none, 0).n_rows == 0


def test_record_copies_equal_dataclass_replace_and_do_not_alias() -> None:
    post = Post(1, 2, "text", 3.0, like_count=4)
    copy = replace(post)
    assert copy == dataclass_replace(post) and copy is not post
    assert replace(post, text="edited") == dataclass_replace(post, text="edited")


def test_a_compact_row_reads_like_a_set() -> None:
    row = CompactRow(array("i", [3, 8, 21]))
    assert 8 in row and 4 not in row and "8" not in row
    assert list(row) == [3, 8, 21] and len(row) == 3
    row.add(5)
    row.discard(21)
    assert sorted(row) == [3, 5, 8] and 5 in row and 21 not in row
    assert len(CompactRow(array("i"))) == 0


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 300), unique=True, max_size=120),
    st.lists(st.tuples(st.booleans(), st.integers(0, 300)), max_size=300),
)
def test_a_changed_compact_row_holds_what_a_set_would(
    start: list[int], changes: list[tuple[bool, int]]
) -> None:
    """Adds and discards, before and after the row merges them into its array (every
    eighth of its length, or 32 changes), leave the members a plain set would hold."""
    row, expected = CompactRow(array("i", sorted(start))), set(start)
    for adding, value in changes:
        (row.add if adding else row.discard)(value)
        (expected.add if adding else expected.discard)(value)
        assert (value in row) == (value in expected)
    assert sorted(row) == sorted(expected) and len(row) == len(expected)
    assert len(list(row)) == len(expected)


def test_a_big_row_stays_an_array_when_a_few_members_change() -> None:
    row = CompactRow(memoryview(np.arange(0, 200_000, 2, dtype=np.int32)))
    for value in range(1, 2_001, 2):
        row.add(value)
    row.discard(0)
    assert len(row) == 100_000 + 1_000 - 1 and 1 in row and 0 not in row
    assert isinstance(row._sorted, memoryview) and len(row._sorted) == 100_000  # not merged


def test_bulk_follow_rows_stay_compact_after_reads_and_exact_after_writes() -> None:
    blog, first = bulk_seeded()
    assert isinstance(blog.store, MemoryStore)
    ann, bob, cat, eve = first, first + 1, first + 2, first + 4
    assert blog.graph.are_friends(ann, bob) and blog.graph.friends(ann) == [bob, cat]
    data = blog.store.data
    assert isinstance(data.followees.get(ann), CompactRow)
    assert not data.followees and not data.followers  # read in place: no row kept
    blog.graph.unfollow(eve, ann)
    blog.graph.follow(ann, eve)
    assert set(data.followees) == {ann, eve}  # the changed rows are kept
    assert blog.graph.is_following(ann, eve) and not blog.graph.is_following(eve, ann)
    assert blog.accounts.get(ann).follower_count == 3


def test_bulk_follow_rows_answer_has_as_their_members_do() -> None:
    """`has` bisects unchanged rows in place (keeping none), reads changed rows as kept,
    and holds nothing for ids outside the rows, like the plain `FollowSets` it stands for."""
    blog, first = bulk_seeded()
    assert isinstance(blog.store, MemoryStore)
    data = blog.store.data
    blog.graph.unfollow(first + 4, first)
    blog.graph.follow(first, first + 4)
    ids = range(first - 1, first + len(NAMES) + 1)
    for key, item in itertools.product(ids, ids):
        assert data.followees.has(key, item) == (item in data.followees.get(key, ()))
        assert data.followers.has(key, item) == (item in data.followers.get(key, ()))
    assert set(data.followees) == {first, first + 4}  # `has` kept no row
