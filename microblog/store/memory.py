"""In-memory backend: dicts and sorted lists under one lock, for large simulations.

A `write()` block holds the lock for its whole duration, so blocks are serialisable. There
is no rollback: services validate everything before their first change (the SQL backend
rolls back as a safety net, the memory one relies on that discipline).
"""

from __future__ import annotations

import heapq
import itertools
import threading
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator, MutableSet
from dataclasses import dataclass, field

from microblog.errors import Conflict
from microblog.membership_models import Membership
from microblog.models import Account, Comment, Group, Post, Profile, Role, Tier
from microblog.push_models import ClientKind
from microblog.store.base import FolloweePosts
from microblog.store.memory_ads import MemoryAds, MemoryAdsData
from microblog.store.memory_apps import AppData, MemoryApps
from microblog.store.memory_certifications import CertificationData, MemoryCertifications
from microblog.store.memory_chat import ChatData, MemoryChat
from microblog.store.memory_commerce import MemoryGames, MemoryShops
from microblog.store.memory_fanservice import FanServiceData, MemoryFanServices
from microblog.store.memory_live import LiveData, MemoryLive
from microblog.store.memory_media import MediaData, MemoryAlbums
from microblog.store.memory_memberships import MemoryMemberships
from microblog.store.memory_money import MemoryIdempotency, MemoryLedger, MemoryTopUps, MoneyData
from microblog.store.memory_push import MemoryPush, PushData
from microblog.store.paging import page_sorted, page_unsorted
from microblog.store.records import replace
from microblog.work import record


class FollowSets(defaultdict[int, MutableSet[int]]):
    """Account id -> the account ids it follows (or is followed by), ids absent start empty.

    `has` tests one membership without handing out the row: the bulk-seeded rows
    (`memory_bulk.CsrSets`) answer it from their compressed arrays in place, where a row
    object would be built for every test (ad retrieval tests one per promotion walked).
    """

    def __init__(self) -> None:
        super().__init__(set)

    def has(self, key: int, item: int) -> bool:
        return item in self.get(key, ())


@dataclass
class MemoryData:
    """Every table of the memory backend; ids come from per-table counters."""

    ids: dict[str, itertools.count[int]] = field(
        default_factory=lambda: defaultdict(lambda: itertools.count(1))
    )
    accounts: dict[int, Account] = field(default_factory=dict)
    names: dict[str, int] = field(default_factory=dict)
    passwords: dict[int, str] = field(default_factory=dict)
    tokens: dict[str, int] = field(default_factory=dict)
    mobile_devices: defaultdict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    """Token hashes of each account's mobile sessions (other clients get no pushes)."""
    pull_authors: set[int] = field(default_factory=set)
    followers: FollowSets = field(default_factory=FollowSets)
    followees: FollowSets = field(default_factory=FollowSets)
    posts: dict[int, Post] = field(default_factory=dict)
    author_posts: defaultdict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    author_pushed: defaultdict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    author_unpushed: defaultdict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    group_posts: defaultdict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    likes: set[tuple[int, int]] = field(default_factory=set)
    comments: defaultdict[int, list[Comment]] = field(default_factory=lambda: defaultdict(list))
    mentions: defaultdict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    groups: dict[int, Group] = field(default_factory=dict)
    members: defaultdict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    memberships: defaultdict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    chat: ChatData = field(default_factory=ChatData)
    money: MoneyData = field(default_factory=MoneyData)
    ads: MemoryAdsData = field(default_factory=MemoryAdsData)
    certifications: CertificationData = field(default_factory=CertificationData)
    apps: AppData = field(default_factory=AppData)
    media: MediaData = field(default_factory=MediaData)
    live: LiveData = field(default_factory=LiveData)
    fanservice: FanServiceData = field(default_factory=FanServiceData)
    paid_memberships: dict[int, Membership] = field(default_factory=dict)
    push: PushData = field(default_factory=PushData)

    def next_id(self, table: str) -> int:
        return next(self.ids[table])


class MemoryAccounts:
    def __init__(self, data: MemoryData) -> None:
        self.d = data

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
        if name in self.d.names:
            raise Conflict(f"the name {name!r} is taken", field="name")
        account = Account(
            self.d.next_id("accounts"), name, role, replace(profile), tier, verified, created_at
        )
        self.d.accounts[account.id] = account
        self.d.names[name] = account.id
        if password_hash is not None:
            self.d.passwords[account.id] = password_hash
        record(db_writes=1)
        return account

    # Accounts are immutable, so readers share the stored records and writers replace them.

    def get(self, account_id: int) -> Account | None:
        account = self.d.accounts.get(account_id)
        record(db_reads=1 if account else 0)
        return account

    def get_many(self, account_ids: list[int]) -> dict[int, Account]:
        accounts = self.d.accounts
        found = {i: a for i in account_ids if (a := accounts.get(i))}
        record(db_reads=len(found))
        return found

    def get_by_name(self, name: str) -> Account | None:
        account_id = self.d.names.get(name)
        return self.get(account_id) if account_id is not None else None

    def password_hash(self, account_id: int) -> str | None:
        record(db_reads=1)
        return self.d.passwords.get(account_id)

    def update_profile(self, account_id: int, profile: Profile) -> None:
        accounts = self.d.accounts
        accounts[account_id] = replace(accounts[account_id], profile=replace(profile))
        record(db_writes=1)

    def certify(self, account_id: int, role: Role, tier: Tier | None) -> None:
        accounts = self.d.accounts
        accounts[account_id] = replace(accounts[account_id], role=role, tier=tier, verified=True)
        record(db_writes=1)

    def add_follow_counts(self, follower_id: int, followee_id: int, delta: int) -> None:
        accounts = self.d.accounts
        follower = accounts[follower_id]
        accounts[follower_id] = replace(follower, followee_count=follower.followee_count + delta)
        followee = accounts[followee_id]  # read after the write: one record if self-following
        accounts[followee_id] = replace(followee, follower_count=followee.follower_count + delta)
        record(db_writes=2)

    def add_follow_counts_many(self, edges: list[tuple[int, int]]) -> None:
        for follower_id, followee_id in edges:
            self.add_follow_counts(follower_id, followee_id, +1)

    def add_token(
        self, token_hash: str, account_id: int, created_at: float, client: ClientKind
    ) -> None:
        self.d.tokens[token_hash] = account_id
        if client is ClientKind.MOBILE:
            self.d.mobile_devices[account_id].append(token_hash)
        record(db_writes=1)

    def mobile_devices(self, account_ids: list[int]) -> dict[int, list[str]]:
        devices = self.d.mobile_devices
        found = {a: list(devices[a]) for a in account_ids if a in devices}
        record(db_reads=sum(map(len, found.values())))
        return found

    def account_for_token(self, token_hash: str) -> int | None:
        record(db_reads=1)
        return self.d.tokens.get(token_hash)

    def mark_pull_author(self, account_id: int) -> None:
        if account_id not in self.d.pull_authors:
            self.d.pull_authors.add(account_id)
            record(db_writes=1)

    def count(self) -> int:
        return len(self.d.accounts)

    def ids_after(self, after: int, limit: int) -> list[int]:
        return heapq.nsmallest(limit, (i for i in self.d.accounts if i > after))


class MemoryGraph:
    def __init__(self, data: MemoryData) -> None:
        self.d = data

    def add(self, follower_id: int, followee_id: int, created_at: float) -> bool:
        if followee_id in self.d.followees[follower_id]:
            return False
        self.d.followees[follower_id].add(followee_id)
        self.d.followers[followee_id].add(follower_id)
        record(db_writes=1)
        return True

    def add_many(self, edges: list[tuple[int, int]], created_at: float) -> list[tuple[int, int]]:
        return [edge for edge in edges if self.add(*edge, created_at)]

    def remove(self, follower_id: int, followee_id: int) -> bool:
        if followee_id not in self.d.followees[follower_id]:
            return False
        self.d.followees[follower_id].discard(followee_id)
        self.d.followers[followee_id].discard(follower_id)
        record(db_writes=1)
        return True

    def exists(self, follower_id: int, followee_id: int) -> bool:
        record(db_reads=1)
        return self.d.followees.has(follower_id, followee_id)

    def followers(self, account_id: int, before: int | None, limit: int) -> list[int]:
        ids = page_unsorted(self.d.followers.get(account_id, ()), before, limit)
        record(db_reads=len(ids))
        return ids

    def followees(self, account_id: int, before: int | None, limit: int) -> list[int]:
        ids = page_unsorted(self.d.followees.get(account_id, ()), before, limit)
        record(db_reads=len(ids))
        return ids

    def all_followees(self, account_id: int) -> list[int]:
        ids = sorted(self.d.followees.get(account_id, ()))
        record(db_reads=len(ids))
        return ids

    def pull_followees(self, account_id: int) -> list[int]:
        followees = self.d.followees.get(account_id, set())
        pulled = self.d.pull_authors
        small, large = (pulled, followees) if len(pulled) < len(followees) else (followees, pulled)
        ids = sorted(i for i in small if i in large)
        record(db_reads=len(ids))
        return ids

    def follower_chunks(self, account_id: int, size: int) -> Iterator[list[int]]:
        followers = sorted(self.d.followers.get(account_id, ()))
        for start in range(0, len(followers), size):
            chunk = followers[start : start + size]
            record(db_reads=len(chunk))
            yield chunk


class MemoryPosts:
    def __init__(self, data: MemoryData) -> None:
        self.d = data

    def create(
        self,
        author_id: int,
        text: str,
        created_at: float,
        *,
        group_id: int | None,
        repost_of: int | None,
        pushed: bool,
        photo_ids: tuple[int, ...] = (),
    ) -> Post:
        post = Post(
            self.d.next_id("posts"),
            author_id,
            text,
            created_at,
            group_id,
            repost_of,
            pushed,
            photo_ids=photo_ids,
        )
        self.d.posts[post.id] = post
        if group_id is not None:
            self.d.group_posts[group_id].append(post.id)
        else:
            self.d.author_posts[author_id].append(post.id)
            split = self.d.author_pushed if pushed else self.d.author_unpushed
            split[author_id].append(post.id)
        record(db_writes=1)
        return post

    # Posts are immutable, so readers share the stored records and writers replace them.

    def get(self, post_id: int) -> Post | None:
        post = self.d.posts.get(post_id)
        record(db_reads=1 if post else 0)
        return post

    def get_many(self, post_ids: list[int]) -> dict[int, Post]:
        posts = self.d.posts
        found = {i: p for i in post_ids if (p := posts.get(i))}
        record(db_reads=len(found))
        return found

    def set_text(self, post_id: int, text: str, edited_at: float) -> None:
        posts = self.d.posts
        posts[post_id] = replace(posts[post_id], text=text, edited_at=edited_at)
        record(db_writes=1)

    def mark_deleted(self, post_id: int) -> None:
        self.d.posts[post_id] = replace(self.d.posts[post_id], deleted=True)
        record(db_writes=1)

    def add_counts(
        self, post_id: int, *, likes: int = 0, comments: int = 0, reposts: int = 0
    ) -> None:
        post = self.d.posts[post_id]
        self.d.posts[post_id] = replace(
            post,
            like_count=post.like_count + likes,
            comment_count=post.comment_count + comments,
            repost_count=post.repost_count + reposts,
        )
        record(db_writes=1)

    def by_author(
        self, author_id: int, before: int | None, limit: int, *, pushed: bool | None = None
    ) -> list[int]:
        source = {None: self.d.author_posts, True: self.d.author_pushed}.get(
            pushed, self.d.author_unpushed
        )
        ids = page_sorted(source.get(author_id, []), before, limit)
        record(db_reads=len(ids))
        return ids

    def by_group(self, group_id: int, before: int | None, limit: int) -> list[int]:
        ids = page_sorted(self.d.group_posts.get(group_id, []), before, limit)
        record(db_reads=len(ids))
        return ids

    def home_streams(
        self, viewer_id: int, before: int | None, limit: int, followees: FolloweePosts
    ) -> list[int]:
        d = self.d
        sources = [d.author_posts.get(viewer_id, [])]
        sources += [d.group_posts.get(g, []) for g in sorted(d.memberships.get(viewer_id, ()))]
        if followees is FolloweePosts.ALL:
            sources += [d.author_posts.get(a, []) for a in d.followees.get(viewer_id, ())]
        elif followees is FolloweePosts.UNPUSHED:
            pulled = MemoryGraph(d).pull_followees(viewer_id)
            sources += [d.author_unpushed.get(a, []) for a in pulled]
        ids = [i for source in sources for i in page_sorted(source, before, limit)]
        record(db_reads=len(ids))
        return ids

    def pushed_by_followees(self, owner_id: int, limit: int) -> list[int]:
        pushed, followed = self.d.author_pushed, self.d.followees.get(owner_id, ())
        recent = (page_sorted(pushed.get(a, []), None, limit) for a in followed)
        ids = heapq.nlargest(limit, {i for stream in recent for i in stream})
        record(db_reads=len(ids))
        return ids

    def add_like(self, post_id: int, account_id: int) -> bool:
        if (post_id, account_id) in self.d.likes:
            return False
        self.d.likes.add((post_id, account_id))
        record(db_writes=1)
        return True

    def remove_like(self, post_id: int, account_id: int) -> bool:
        if (post_id, account_id) not in self.d.likes:
            return False
        self.d.likes.discard((post_id, account_id))
        record(db_writes=1)
        return True

    def add_comment(self, post_id: int, author_id: int, text: str, created_at: float) -> Comment:
        comment = Comment(self.d.next_id("comments"), post_id, author_id, text, created_at)
        self.d.comments[post_id].append(comment)
        record(db_writes=1)
        return replace(comment)

    def comments(self, post_id: int, before: int | None, limit: int) -> list[Comment]:
        listed = self.d.comments.get(post_id, [])
        by_id = {c.id: c for c in listed}
        ids = page_sorted([c.id for c in listed], before, limit)
        record(db_reads=len(ids))
        return [replace(by_id[i]) for i in ids]

    def add_mentions(self, post_id: int, account_ids: list[int]) -> None:
        added = 0
        for account_id in account_ids:
            mentioned = self.d.mentions[account_id]
            at = bisect_left(mentioned, post_id)
            if at == len(mentioned) or mentioned[at] != post_id:
                mentioned.insert(at, post_id)
                added += 1
        record(db_writes=added)

    def mentions(self, account_id: int, before: int | None, limit: int) -> list[int]:
        ids = page_sorted(self.d.mentions.get(account_id, []), before, limit)
        record(db_reads=len(ids))
        return ids


class MemoryGroups:
    def __init__(self, data: MemoryData) -> None:
        self.d = data

    def create(self, name: str, owner_id: int, created_at: float) -> Group:
        group = Group(self.d.next_id("groups"), name, owner_id, created_at)
        self.d.groups[group.id] = group
        record(db_writes=1)
        return replace(group)

    def get(self, group_id: int) -> Group | None:
        group = self.d.groups.get(group_id)
        record(db_reads=1 if group else 0)
        return replace(group) if group else None

    def add_member(self, group_id: int, account_id: int) -> bool:
        if account_id in self.d.members[group_id]:
            return False
        self.d.members[group_id].add(account_id)
        self.d.memberships[account_id].add(group_id)
        self.d.groups[group_id].member_count += 1
        record(db_writes=2)
        return True

    def remove_member(self, group_id: int, account_id: int) -> bool:
        if account_id not in self.d.members[group_id]:
            return False
        self.d.members[group_id].discard(account_id)
        self.d.memberships[account_id].discard(group_id)
        self.d.groups[group_id].member_count -= 1
        record(db_writes=2)
        return True

    def is_member(self, group_id: int, account_id: int) -> bool:
        record(db_reads=1)
        return account_id in self.d.members.get(group_id, ())

    def groups_of(self, account_id: int) -> list[int]:
        ids = sorted(self.d.memberships.get(account_id, ()))
        record(db_reads=len(ids))
        return ids

    def members(self, group_id: int, before: int | None, limit: int) -> list[int]:
        ids = page_unsorted(self.d.members.get(group_id, ()), before, limit)
        record(db_reads=len(ids))
        return ids


class MemoryTx:
    def __init__(self, data: MemoryData) -> None:
        self.accounts = MemoryAccounts(data)
        self.graph = MemoryGraph(data)
        self.posts = MemoryPosts(data)
        self.groups = MemoryGroups(data)
        self.chat = MemoryChat(data)
        self.ledger = MemoryLedger(data.money)
        self.idempotency = MemoryIdempotency(data.money)
        self.topups = MemoryTopUps(data.money)
        self.games = MemoryGames(data.money)
        self.shops = MemoryShops(data.money)
        self.ads = MemoryAds(data.ads)
        self.certifications = MemoryCertifications(data.certifications)
        self.apps = MemoryApps(data.apps)
        self.albums = MemoryAlbums(data.media)
        self.live = MemoryLive(data.live)
        self.fanservice = MemoryFanServices(data.fanservice)
        self.memberships = MemoryMemberships(data.paid_memberships)
        self.push = MemoryPush(data.push)


class _Locked:
    """The store's one transaction while its lock is held: a `with` block's context.

    A plain class rather than `contextlib.contextmanager`, which costs about five times as
    much to enter and leave; every service call enters one or more of these blocks.
    """

    __slots__ = ("_lock", "_tx")

    def __init__(self, lock: threading.RLock, tx: MemoryTx) -> None:
        self._lock = lock
        self._tx = tx

    def __enter__(self) -> MemoryTx:
        self._lock.acquire()
        return self._tx

    def __exit__(self, *_exc: object) -> None:
        self._lock.release()


class MemoryStore:
    """All state in this process; one re-entrant lock serialises every block."""

    volatile = True

    def __init__(self) -> None:
        self.data = MemoryData()
        self._block = _Locked(threading.RLock(), MemoryTx(self.data))

    def read(self) -> _Locked:
        return self._block

    write = snapshot = statements = read
    """One lock: nothing commits while a block holds it."""

    def close(self) -> None:
        """Nothing to release."""
