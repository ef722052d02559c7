"""The one statement of a home read's store streams, and why it is shaped so.

A home read merges, beside the materialised timeline, the newest page of several streams:
the reader's own public posts, each of the reader's groups, and (pull, hybrid) followees'
posts that fan-out did not deliver. One query per stream cost a round trip each (a dozen
for a typical reader); here every stream is one branch of a UNION ALL, and a window
function keeps each stream's newest `limit` rows, so the rows returned (and counted as
`db_reads` and `merged_items`) are those the per-stream queries returned.

Every stream is read as index ranges of at most `limit` rows (`_stream_page`): each group
and pulled followee through a correlated subquery, the reader's own posts as two pages
(pushed and not, so the author index serves them). A stream read in full grows with every
post its group or author ever made (the own page had walked every public post on the group
index): in a replayed baseline day this statement went from 4.5 % of the server's time to
14 % by mid-morning, when the server fell behind, and 1.4 % bounded. The window then ranks
at most two pages a stream.

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
_NEWEST = t.posts.alias("newest")
"""The posts of one stream, inside its correlated subquery."""


def home_streams_parameters(viewer_id: int, before: int | None, limit: int) -> dict[str, int]:
    """The statement's parameters (no `before` is below an id past every id)."""
    return {"viewer": viewer_id, "before": MAX_ID if before is None else before, "limit": limit}


def _stream_page(stream: ColumnElement[bool], *condition: ColumnElement[bool]) -> Select[Any]:
    """Ids of the newest `limit` posts below `before` of one stream: `stream` names it by a
    column of the enclosing query (a correlated subquery)."""
    p = _NEWEST.c
    newest = select(p.id).where(stream, p.id < _BEFORE, *condition)
    return newest.order_by(p.id.desc()).limit(_LIMIT)


def _followees(followees: FolloweePosts) -> Select[Any] | None:
    """The branch of followees' posts, keyed by author (a followee is never the viewer).

    Pulled followees' unpushed posts (hybrid) are each a stream of at most `limit` rows
    through the author index. Every followee's posts (pull) keep their earlier form, one
    range of everyone's posts filtered by followee: with `pushed` not named, SQLite plans
    the bounded form on the group index too (not measured at pull's scale; left as it was).
    """
    if followees is FolloweePosts.NONE:
        return None
    c, f, a, p = t.posts.c, t.follows.c, t.accounts.c, _NEWEST.c
    if followees is FolloweePosts.ALL:
        followed = select(f.followee_id).where(f.follower_id == _VIEWER)
        condition = [c.group_id.is_(None), c.id < _BEFORE, c.author_id.in_(followed)]
        return select(c.id, c.author_id.label("stream")).where(*condition)
    following = t.follows.join(t.accounts, a.id == f.followee_id)
    authors = select(f.followee_id.label("author")).select_from(following)
    pulled = authors.where(f.follower_id == _VIEWER, a.pull_author.is_(True)).subquery()
    newest = _stream_page(p.author_id == pulled.c.author, p.group_id.is_(None), p.pushed.is_(False))
    joined = pulled.join(t.posts, c.id.in_(newest.correlate(pulled)))
    return select(c.id, pulled.c.author.label("stream")).select_from(joined)


@functools.cache
def home_streams_statement(followees: FolloweePosts) -> Prepared:
    """Ids of the newest `limit` posts below `before` of every stream, streams concatenated.

    Streams are keyed by author id (own and followees' posts) or minus the group id.
    """
    c, m, p = t.posts.c, t.group_members.c, _NEWEST.c
    own = [  # the author index serves each page only with `pushed` named (its third column)
        _stream_page(p.author_id == _VIEWER, p.group_id.is_(None), p.pushed.is_(pushed))
        for pushed in (False, True)
    ]
    pages = [select(page.subquery().c.id) for page in own]
    own_pages = union_all(*pages).subquery()  # one stream: the window keeps its newest page
    newest = _stream_page(p.group_id == m.group_id).correlate(t.group_members)
    grouped = (
        select(c.id, (-m.group_id).label("stream"))
        .select_from(t.group_members.join(t.posts, c.id.in_(newest)))
        .where(m.account_id == _VIEWER)
    )
    pulled = _followees(followees)
    merged = union_all(
        select(own_pages.c.id, _VIEWER.label("stream")),
        grouped,
        *([pulled] if pulled is not None else []),
    ).subquery()
    rank = func.row_number().over(partition_by=merged.c.stream, order_by=merged.c.id.desc())
    ranked = select(merged.c.id, rank.label("rank")).subquery()
    return Prepared(select(ranked.c.id).where(ranked.c.rank <= _LIMIT))
