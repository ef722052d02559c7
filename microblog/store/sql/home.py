"""The one statement of a home read's store streams, and why it is shaped so.

A home read merges, beside the materialised timeline, the newest page of several streams:
the reader's own public posts, each of the reader's groups, and (pull, hybrid) followees'
posts that fan-out did not deliver. One query per stream cost a round trip each (a dozen
for a typical reader); here every stream is one branch of a UNION ALL, and a window
function keeps each stream's newest `limit` rows, so the rows returned (and counted as
`db_reads` and `merged_items`) are those the per-stream queries returned.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, select, union_all

from microblog.store.base import FolloweePosts
from microblog.store.sql import schema as t


def _below(query: Select[Any], before: int | None) -> Select[Any]:
    return query if before is None else query.where(t.posts.c.id < before)


def _followees(viewer_id: int, followees: FolloweePosts) -> Select[Any] | None:
    """The branch of followees' posts, keyed by author (a followee is never the viewer)."""
    if followees is FolloweePosts.NONE:
        return None
    c, f, a = t.posts.c, t.follows.c, t.accounts.c
    followed = select(f.followee_id).where(f.follower_id == viewer_id)
    condition: list[ColumnElement[bool]] = [c.group_id.is_(None)]
    if followees is FolloweePosts.UNPUSHED:
        pulled = select(a.id).where(a.id.in_(followed), a.pull_author.is_(True))
        condition += [c.author_id.in_(pulled), c.pushed.is_(False)]
    else:
        condition.append(c.author_id.in_(followed))
    return select(c.id, c.author_id.label("stream")).where(*condition)


def home_streams_query(
    viewer_id: int, before: int | None, limit: int, followees: FolloweePosts
) -> Select[Any]:
    """Ids of the newest `limit` posts below `before` of every stream, streams concatenated.

    Streams are keyed by author id (own and followees' posts) or minus the group id.
    """
    c, m = t.posts.c, t.group_members.c
    own = _below(select(c.id).where(c.author_id == viewer_id, c.group_id.is_(None)), before)
    own_page = own.order_by(c.id.desc()).limit(limit).subquery()  # one stream: no window
    groups = select(m.group_id).where(m.account_id == viewer_id)
    grouped = select(c.id, (-c.group_id).label("stream")).where(c.group_id.in_(groups))
    branches: list[Select[Any] | None] = [grouped, _followees(viewer_id, followees)]
    merged = union_all(
        select(own_page.c.id, literal(viewer_id).label("stream")),
        *(_below(b, before) for b in branches if b is not None),
    ).subquery()
    rank = func.row_number().over(partition_by=merged.c.stream, order_by=merged.c.id.desc())
    ranked = select(merged.c.id, rank.label("rank")).subquery()
    return select(ranked.c.id).where(ranked.c.rank <= limit)
