"""The one statement of a home read's store streams, and why it is shaped so.

A home read merges, beside the materialised timeline, the newest page of several streams:
the reader's own public posts, each of the reader's groups, and (pull, hybrid) followees'
posts that fan-out did not deliver. One query per stream cost a round trip each (a dozen
for a typical reader); here every stream is one branch of a UNION ALL, and a window
function keeps each stream's newest `limit` rows, so the rows returned (and counted as
`db_reads` and `merged_items`) are those the per-stream queries returned.

The statement is built once per kind of followee stream, with bound parameters, and run
`Prepared`: building a SELECT of this size, or running it through `Connection.execute`,
costs more than SQLite takes to answer it on a hot read.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Select, bindparam, func, select, union_all

from microblog.models import MAX_ID
from microblog.store.base import FolloweePosts
from microblog.store.sql import schema as t
from microblog.store.sql.prepared import Prepared

_VIEWER = bindparam("viewer", type_=BigInteger)
_BEFORE = bindparam("before", type_=BigInteger)
_LIMIT = bindparam("limit", type_=BigInteger)


def home_streams_parameters(viewer_id: int, before: int | None, limit: int) -> dict[str, int]:
    """The statement's parameters (no `before` is below an id past every id)."""
    return {"viewer": viewer_id, "before": MAX_ID if before is None else before, "limit": limit}


def _followees(followees: FolloweePosts) -> Select[Any] | None:
    """The branch of followees' posts, keyed by author (a followee is never the viewer)."""
    if followees is FolloweePosts.NONE:
        return None
    c, f, a = t.posts.c, t.follows.c, t.accounts.c
    followed = select(f.followee_id).where(f.follower_id == _VIEWER)
    condition: list[ColumnElement[bool]] = [c.group_id.is_(None), c.id < _BEFORE]
    if followees is FolloweePosts.UNPUSHED:
        pulled = select(a.id).where(a.id.in_(followed), a.pull_author.is_(True))
        condition += [c.author_id.in_(pulled), c.pushed.is_(False)]
    else:
        condition.append(c.author_id.in_(followed))
    return select(c.id, c.author_id.label("stream")).where(*condition)


@functools.cache
def home_streams_statement(followees: FolloweePosts) -> Prepared:
    """Ids of the newest `limit` posts below `before` of every stream, streams concatenated.

    Streams are keyed by author id (own and followees' posts) or minus the group id.
    """
    c, m = t.posts.c, t.group_members.c
    own = select(c.id).where(c.author_id == _VIEWER, c.group_id.is_(None), c.id < _BEFORE)
    own_page = own.order_by(c.id.desc()).limit(_LIMIT).subquery()  # one stream: no window
    groups = select(m.group_id).where(m.account_id == _VIEWER)
    grouped = select(c.id, (-c.group_id).label("stream")).where(
        c.group_id.in_(groups), c.id < _BEFORE
    )
    pulled = _followees(followees)
    merged = union_all(
        select(own_page.c.id, _VIEWER.label("stream")),
        grouped,
        *([pulled] if pulled is not None else []),
    ).subquery()
    rank = func.row_number().over(partition_by=merged.c.stream, order_by=merged.c.id.desc())
    ranked = select(merged.c.id, rank.label("rank")).subquery()
    return Prepared(select(ranked.c.id).where(ranked.c.rank <= _LIMIT))
