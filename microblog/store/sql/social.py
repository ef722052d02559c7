"""SQL repositories of the social core (SQLAlchemy Core, any dialect SQLAlchemy speaks).

Edges, likes and memberships are inserted with `insert_new`, so two
writers adding the same row at once add it once and the loser learns so from the rowcount;
counters move by atomic increments, several accounts' in id order (`microblog.store.sql.locks`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Select, and_, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from microblog.errors import Conflict
from microblog.models import Account, AgeBand, Comment, Gender, Group, Post, Profile, Role, Tier
from microblog.push_models import ClientKind
from microblog.store.base import FolloweePosts
from microblog.store.sql import schema as t
from microblog.store.sql.home import home_streams_parameters, home_streams_statement
from microblog.store.sql.locks import AddNew, add_new
from microblog.store.sql.prepared import ByIds, Prepared
from microblog.work import record


def _newest(query: Select[Any], id_column: Any, before: int | None, limit: int) -> Select[Any]:
    if before is not None:
        query = query.where(id_column < before)
    return query.order_by(id_column.desc()).limit(limit)


def _insert_id(conn: Connection, statement: Any) -> int:
    """Run an INSERT and return the new row's id."""
    key = conn.execute(statement).inserted_primary_key
    assert key is not None, "INSERT into a table with an autoincrement primary key"
    return int(key[0])


def _ids(conn: Connection, query: Select[Any], unit: str = "db_reads") -> list[int]:
    ids = list(conn.scalars(query))
    record(**{unit: len(ids)})
    return ids


def _prepared_ids(conn: Connection, statement: Prepared, **params: Any) -> list[int]:
    ids: list[int] = statement.scalars(conn, **params)
    record(db_reads=len(ids))
    return ids


def _author_page(pushed: bool | None, paged: bool) -> Prepared:
    """Ids of an author's newest `limit` posts outside groups (below `before` when `paged`),
    all of them or only those fan-out on write delivered (`pushed`) or did not."""
    c = t.posts.c
    query = select(c.id).where(c.author_id == bindparam("author"), c.group_id.is_(None))
    if pushed is not None:
        query = query.where(c.pushed.is_(pushed))
    if paged:
        query = query.where(c.id < bindparam("before"))
    return Prepared(query.order_by(c.id.desc()).limit(bindparam("limit")))


_BY_AUTHOR = {
    (pushed, paged): _author_page(pushed, paged)
    for pushed in (None, True, False)
    for paged in (False, True)
}
"""Every variant of `SqlPosts.by_author`: timeline rebuilds read one per pulled author."""
_PUSHED_BY_FOLLOWEES = Prepared(
    select(t.posts.c.id)
    .where(
        t.posts.c.author_id.in_(
            select(t.follows.c.followee_id).where(t.follows.c.follower_id == bindparam("owner"))
        ),
        t.posts.c.group_id.is_(None),
        t.posts.c.pushed,
    )
    .order_by(t.posts.c.id.desc())
    .limit(bindparam("limit"))
)
_FOLLOWERS_AFTER = Prepared(
    select(t.follows.c.follower_id)
    .where(
        t.follows.c.followee_id == bindparam("account"),
        t.follows.c.follower_id > bindparam("after"),
    )
    .order_by(t.follows.c.follower_id)
    .limit(bindparam("limit"))
)
"""A chunk of an author's followers in id order: fan-out on write walks them."""


def _account(row: Any) -> Account:
    profile = Profile(list(row.interests), row.region, Gender(row.gender), AgeBand(row.age_band))
    return Account(
        row.id,
        row.name,
        Role(row.role),
        profile,
        Tier(row.tier) if row.tier else None,
        row.verified,
        row.created_at,
        row.follower_count,
        row.followee_count,
    )


_EDGE = Prepared(
    select(1).where(
        t.follows.c.follower_id == bindparam("follower"),
        t.follows.c.followee_id == bindparam("followee"),
    )
)
"""Whether one account follows another: the ad walk asks it of every promotion it reaches."""
_ACCOUNT = Prepared(select(t.accounts).where(t.accounts.c.id == bindparam("id")))
_ACCOUNTS = select(t.accounts).where(t.accounts.c.id.in_(bindparam("ids", expanding=True)))
_TOKEN_ACCOUNT = Prepared(
    select(t.tokens.c.account_id).where(t.tokens.c.token_hash == bindparam("hash"))
)
_MOBILE_DEVICES = (
    select(t.tokens.c.account_id, t.tokens.c.token_hash)
    .where(
        t.tokens.c.account_id.in_(bindparam("ids", expanding=True)),
        t.tokens.c.client == ClientKind.MOBILE.value,
    )
    .order_by(t.tokens.c.created_at)
)
_ADD_COUNTS = Prepared(
    update(t.posts)
    .where(t.posts.c.id == bindparam("post"))
    .values(
        like_count=t.posts.c.like_count + bindparam("likes"),
        comment_count=t.posts.c.comment_count + bindparam("comments"),
        repost_count=t.posts.c.repost_count + bindparam("reposts"),
    )
)
_ADD_LIKE = AddNew(t.likes, ("post_id", "account_id"))
"""A reaction's writes, prepared: a like, and every like, comment and repost's counts."""
_MOBILE_DEVICES_OF = Prepared(
    select(t.tokens.c.token_hash)
    .where(
        t.tokens.c.account_id == bindparam("id"),
        t.tokens.c.client == ClientKind.MOBILE.value,
    )
    .order_by(t.tokens.c.created_at)
)
"""One account's mobile devices, prepared: a direct message notifies its recipient's."""
_POST = Prepared(select(t.posts).where(t.posts.c.id == bindparam("id")))
_POSTS = ByIds(t.posts, 20)
"""The hottest reads, built once: building a statement per call costs more CPU than
running it (a one-row read by id: 79 us built per call, 23 us built once, on SQLite).
`_POSTS` takes a feed page's 20 at a time, prepared (`ByIds`)."""
_ADD_FOLLOW_COUNTS = (
    update(t.accounts)
    .where(t.accounts.c.id == bindparam("account"))
    .values(
        followee_count=t.accounts.c.followee_count + bindparam("followees"),
        follower_count=t.accounts.c.follower_count + bindparam("followers"),
    )
)


class SqlAccounts:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

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
        values = dict(
            name=name,
            role=role.value,
            tier=tier.value if tier else None,
            verified=verified,
            interests=list(profile.interests),
            region=profile.region,
            gender=profile.gender.value,
            age_band=profile.age_band.value,
            created_at=created_at,
            follower_count=0,
            followee_count=0,
            password_hash=password_hash,
            pull_author=False,
        )
        try:
            with self.conn.begin_nested():
                new_id = _insert_id(self.conn, insert(t.accounts).values(values))
        except IntegrityError:
            raise Conflict(f"the name {name!r} is taken", field="name") from None
        record(db_writes=1)
        return Account(new_id, name, role, profile, tier, verified, created_at)

    def get(self, account_id: int) -> Account | None:
        row = _ACCOUNT.first(self.conn, id=account_id)
        record(db_reads=1 if row else 0)
        return _account(row) if row else None

    def get_many(self, account_ids: list[int]) -> dict[int, Account]:
        rows = self.conn.execute(_ACCOUNTS, {"ids": account_ids})
        found = {row.id: _account(row) for row in rows}
        record(db_reads=len(found))
        return found

    def get_by_name(self, name: str) -> Account | None:
        row = self.conn.execute(select(t.accounts).where(t.accounts.c.name == name)).first()
        record(db_reads=1 if row else 0)
        return _account(row) if row else None

    def password_hash(self, account_id: int) -> str | None:
        record(db_reads=1)
        query = select(t.accounts.c.password_hash).where(t.accounts.c.id == account_id)
        return self.conn.scalar(query)

    def certify(self, account_id: int, role: Role, tier: Tier | None) -> None:
        self.conn.execute(
            update(t.accounts)
            .where(t.accounts.c.id == account_id)
            .values(role=role.value, tier=tier.value if tier else None, verified=True)
        )
        record(db_writes=1)

    def update_profile(self, account_id: int, profile: Profile) -> None:
        self.conn.execute(
            update(t.accounts)
            .where(t.accounts.c.id == account_id)
            .values(
                interests=list(profile.interests),
                region=profile.region,
                gender=profile.gender.value,
                age_band=profile.age_band.value,
            )
        )
        record(db_writes=1)

    def add_follow_counts(self, follower_id: int, followee_id: int, delta: int) -> None:
        self._add_counts(Counter({follower_id: delta}), Counter({followee_id: delta}))

    def add_follow_counts_many(self, edges: list[tuple[int, int]]) -> None:
        self._add_counts(Counter(a for a, _ in edges), Counter(b for _, b in edges))

    def _add_counts(self, followees: Counter[int], followers: Counter[int]) -> None:
        """One increment per account, in id order: a follow and the follow back, counted
        at once, lock their two accounts in the same order and so never deadlock."""
        rows = [
            {"account": a, "followees": followees[a], "followers": followers[a]}
            for a in sorted(followees.keys() | followers.keys())
        ]
        if rows:
            self.conn.execute(_ADD_FOLLOW_COUNTS, rows)
        record(db_writes=sum(map(len, (followees, followers))))

    def add_token(
        self, token_hash: str, account_id: int, created_at: float, client: ClientKind
    ) -> None:
        values = dict(
            token_hash=token_hash, account_id=account_id, created_at=created_at, client=client.value
        )
        self.conn.execute(insert(t.tokens).values(values))
        record(db_writes=1)

    def mobile_devices(self, account_ids: list[int]) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        if len(account_ids) == 1:
            devices = _MOBILE_DEVICES_OF.scalars(self.conn, id=account_ids[0])
            found = {account_ids[0]: devices} if devices else {}
        else:
            for account_id, token_hash in self.conn.execute(_MOBILE_DEVICES, {"ids": account_ids}):
                found.setdefault(account_id, []).append(token_hash)
        record(db_reads=sum(map(len, found.values())))
        return found

    def account_for_token(self, token_hash: str) -> int | None:
        record(db_reads=1)
        found = _TOKEN_ACCOUNT.scalars(self.conn, hash=token_hash)
        return found[0] if found else None

    def mark_pull_author(self, account_id: int) -> None:
        c = t.accounts.c
        changed = self.conn.execute(
            update(t.accounts)
            .where(c.id == account_id, c.pull_author.is_(False))
            .values(pull_author=True)
        ).rowcount
        record(db_writes=changed)

    def count(self) -> int:
        return self.conn.scalar(select(func.count()).select_from(t.accounts)) or 0

    def ids_after(self, after: int, limit: int) -> list[int]:
        c = t.accounts.c
        return _ids(self.conn, select(c.id).where(c.id > after).order_by(c.id).limit(limit))


class SqlGraph:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _edge(self, follower_id: int, followee_id: int) -> Any:
        c = t.follows.c
        return and_(c.follower_id == follower_id, c.followee_id == followee_id)

    def add(self, follower_id: int, followee_id: int, created_at: float) -> bool:
        edge = {"follower_id": follower_id, "followee_id": followee_id, "created_at": created_at}
        added = add_new(self.conn, t.follows, edge)
        record(db_writes=int(added))
        return added

    def add_many(self, edges: list[tuple[int, int]], created_at: float) -> list[tuple[int, int]]:
        c = t.follows.c
        followers = sorted({follower for follower, _ in edges})
        existing: set[tuple[int, int]] = set()
        for start in range(0, len(followers), 500):
            query = select(c.follower_id, c.followee_id).where(
                c.follower_id.in_(followers[start : start + 500])
            )
            existing.update((row[0], row[1]) for row in self.conn.execute(query))
        added = [edge for edge in dict.fromkeys(edges) if edge not in existing]
        if added:
            rows = [
                {"follower_id": a, "followee_id": b, "created_at": created_at} for a, b in added
            ]
            self.conn.execute(insert(t.follows), rows)
        record(db_reads=len(existing), db_writes=len(added))
        return added

    def remove(self, follower_id: int, followee_id: int) -> bool:
        removed = self.conn.execute(
            delete(t.follows).where(self._edge(follower_id, followee_id))
        ).rowcount
        record(db_writes=removed)
        return removed > 0

    def exists(self, follower_id: int, followee_id: int) -> bool:
        record(db_reads=1)
        return bool(_EDGE.scalars(self.conn, follower=follower_id, followee=followee_id))

    def followers(self, account_id: int, before: int | None, limit: int) -> list[int]:
        c = t.follows.c
        query = select(c.follower_id).where(c.followee_id == account_id)
        return _ids(self.conn, _newest(query, c.follower_id, before, limit))

    def followees(self, account_id: int, before: int | None, limit: int) -> list[int]:
        c = t.follows.c
        query = select(c.followee_id).where(c.follower_id == account_id)
        return _ids(self.conn, _newest(query, c.followee_id, before, limit))

    def all_followees(self, account_id: int) -> list[int]:
        c = t.follows.c
        query = select(c.followee_id).where(c.follower_id == account_id).order_by(c.followee_id)
        return _ids(self.conn, query)

    def pull_followees(self, account_id: int) -> list[int]:
        c, a = t.follows.c, t.accounts.c
        query = (
            select(c.followee_id)
            .join(t.accounts, a.id == c.followee_id)
            .where(c.follower_id == account_id, a.pull_author.is_(True))
            .order_by(c.followee_id)
        )
        return _ids(self.conn, query)

    def follower_chunks(self, account_id: int, size: int) -> Iterator[list[int]]:
        after = 0
        while True:
            chunk = _prepared_ids(
                self.conn, _FOLLOWERS_AFTER, account=account_id, after=after, limit=size
            )
            if not chunk:
                return
            yield chunk
            after = chunk[-1]


def _post(row: Any) -> Post:
    return Post(
        row.id,
        row.author_id,
        row.text,
        row.created_at,
        row.group_id,
        row.repost_of,
        row.pushed,
        row.deleted,
        row.edited_at,
        row.like_count,
        row.comment_count,
        row.repost_count,
        tuple(row.photo_ids or ()),
    )


class SqlPosts:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

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
        new_id = _insert_id(
            self.conn,
            insert(t.posts).values(
                author_id=author_id,
                text=text,
                created_at=created_at,
                group_id=group_id,
                repost_of=repost_of,
                pushed=pushed,
                deleted=False,
                like_count=0,
                comment_count=0,
                repost_count=0,
                photo_ids=list(photo_ids) or None,
            ),
        )
        record(db_writes=1)
        return Post(
            new_id, author_id, text, created_at, group_id, repost_of, pushed, photo_ids=photo_ids
        )

    def get(self, post_id: int) -> Post | None:
        row = _POST.first(self.conn, id=post_id)
        record(db_reads=1 if row else 0)
        return _post(row) if row else None

    def get_many(self, post_ids: list[int]) -> dict[int, Post]:
        found = {row.id: _post(row) for row in _POSTS.each(self.conn, post_ids)}
        record(db_reads=len(found))
        return found

    def set_text(self, post_id: int, text: str, edited_at: float) -> None:
        self.conn.execute(
            update(t.posts).where(t.posts.c.id == post_id).values(text=text, edited_at=edited_at)
        )
        record(db_writes=1)

    def mark_deleted(self, post_id: int) -> None:
        self.conn.execute(update(t.posts).where(t.posts.c.id == post_id).values(deleted=True))
        record(db_writes=1)

    def add_counts(
        self, post_id: int, *, likes: int = 0, comments: int = 0, reposts: int = 0
    ) -> None:
        _ADD_COUNTS.run(self.conn, post=post_id, likes=likes, comments=comments, reposts=reposts)
        record(db_writes=1)

    def by_author(
        self, author_id: int, before: int | None, limit: int, *, pushed: bool | None = None
    ) -> list[int]:
        page = _BY_AUTHOR[pushed, before is not None]
        return _prepared_ids(self.conn, page, author=author_id, before=before, limit=limit)

    def by_group(self, group_id: int, before: int | None, limit: int) -> list[int]:
        c = t.posts.c
        return _ids(
            self.conn, _newest(select(c.id).where(c.group_id == group_id), c.id, before, limit)
        )

    def home_streams(
        self, viewer_id: int, before: int | None, limit: int, followees: FolloweePosts
    ) -> list[int]:
        statement = home_streams_statement(followees)
        ids = statement.scalars(self.conn, **home_streams_parameters(viewer_id, before, limit))
        record(db_reads=len(ids))
        return ids

    def pushed_by_followees(self, owner_id: int, limit: int) -> list[int]:
        return _prepared_ids(self.conn, _PUSHED_BY_FOLLOWEES, owner=owner_id, limit=limit)

    def add_like(self, post_id: int, account_id: int) -> bool:
        added = _ADD_LIKE.add(self.conn, post_id=post_id, account_id=account_id)
        record(db_writes=int(added))
        return added

    def remove_like(self, post_id: int, account_id: int) -> bool:
        c = t.likes.c
        removed = self.conn.execute(
            delete(t.likes).where(c.post_id == post_id, c.account_id == account_id)
        ).rowcount
        record(db_writes=removed)
        return removed > 0

    def add_comment(self, post_id: int, author_id: int, text: str, created_at: float) -> Comment:
        new_id = _insert_id(
            self.conn,
            insert(t.comments).values(
                post_id=post_id, author_id=author_id, text=text, created_at=created_at
            ),
        )
        record(db_writes=1)
        return Comment(new_id, post_id, author_id, text, created_at)

    def comments(self, post_id: int, before: int | None, limit: int) -> list[Comment]:
        c = t.comments.c
        query = _newest(select(t.comments).where(c.post_id == post_id), c.id, before, limit)
        found = [
            Comment(r.id, r.post_id, r.author_id, r.text, r.created_at)
            for r in self.conn.execute(query)
        ]
        record(db_reads=len(found))
        return found

    def add_mentions(self, post_id: int, account_ids: list[int]) -> None:
        c = t.mentions.c
        already = (
            set()
            if not account_ids
            else set(
                self.conn.scalars(
                    select(c.account_id).where(c.post_id == post_id, c.account_id.in_(account_ids))
                )
            )
        )
        new = [a for a in account_ids if a not in already]
        if new:
            self.conn.execute(
                insert(t.mentions), [{"account_id": a, "post_id": post_id} for a in new]
            )
        record(db_writes=len(new))

    def mentions(self, account_id: int, before: int | None, limit: int) -> list[int]:
        c = t.mentions.c
        query = select(c.post_id).where(c.account_id == account_id)
        return _ids(self.conn, _newest(query, c.post_id, before, limit))


def _group(row: Any) -> Group:
    return Group(row.id, row.name, row.owner_id, row.created_at, row.member_count)


class SqlGroups:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def create(self, name: str, owner_id: int, created_at: float) -> Group:
        new_id = _insert_id(
            self.conn,
            insert(t.groups).values(
                name=name, owner_id=owner_id, created_at=created_at, member_count=0
            ),
        )
        record(db_writes=1)
        return Group(new_id, name, owner_id, created_at)

    def get(self, group_id: int) -> Group | None:
        row = self.conn.execute(select(t.groups).where(t.groups.c.id == group_id)).first()
        record(db_reads=1 if row else 0)
        return _group(row) if row else None

    def _set_membership(self, group_id: int, account_id: int, join: bool) -> bool:
        m = t.group_members.c
        record(db_reads=1)  # as the membership check this statement makes
        if join:
            changed = add_new(
                self.conn, t.group_members, {"group_id": group_id, "account_id": account_id}
            )
        else:
            where = (m.group_id == group_id, m.account_id == account_id)
            changed = self.conn.execute(delete(t.group_members).where(*where)).rowcount > 0
        if not changed:
            return False
        g = t.groups.c
        delta = 1 if join else -1
        self.conn.execute(
            update(t.groups).where(g.id == group_id).values(member_count=g.member_count + delta)
        )
        record(db_writes=2)
        return True

    def add_member(self, group_id: int, account_id: int) -> bool:
        return self._set_membership(group_id, account_id, True)

    def remove_member(self, group_id: int, account_id: int) -> bool:
        return self._set_membership(group_id, account_id, False)

    def is_member(self, group_id: int, account_id: int) -> bool:
        m = t.group_members.c
        record(db_reads=1)
        query = select(1).where(m.group_id == group_id, m.account_id == account_id)
        return self.conn.execute(query).first() is not None

    def groups_of(self, account_id: int) -> list[int]:
        m = t.group_members.c
        query = select(m.group_id).where(m.account_id == account_id).order_by(m.group_id)
        return _ids(self.conn, query)

    def members(self, group_id: int, before: int | None, limit: int) -> list[int]:
        m = t.group_members.c
        query = select(m.account_id).where(m.group_id == group_id)
        return _ids(self.conn, _newest(query, m.account_id, before, limit))
