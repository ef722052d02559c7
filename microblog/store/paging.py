"""Newest-first paging over ascending id lists and unordered id sets (memory backend)."""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Iterable, Sequence


def page_sorted(ids: Sequence[int], before: int | None, limit: int) -> list[int]:
    """Ids below `before`, newest first, from a list (or array) kept in ascending order."""
    end = len(ids) if before is None else bisect_left(ids, before)
    return list(reversed(ids[max(0, end - limit) : end]))


def page_unsorted(ids: Iterable[int], before: int | None, limit: int) -> list[int]:
    """The same page from an unordered collection (sorted on demand)."""
    if before is not None:
        ids = (i for i in ids if i < before)
    return heapq.nlargest(limit, ids)
