"""One codec for the cursor of every paged list: opaque to clients, strictly validated.

A cursor says where the next page of a list starts. A service hands it out as `next_cursor`
and takes it back unchanged, from an HTTP client or from the simulator in-process. It is
URL-safe base64 of a kind tag and the kind's fields, so no client builds one from an id it
happens to know, and the format may change without breaking the API. Every cursor taken
back is decoded strictly: canonical base64 of UTF-8, the kind the list expects, fields of
ASCII digits within the 64-bit ids every store holds (or an account name). Anything else is
`Invalid` naming `cursor` (422 over HTTP), never an error deeper down: `"³".isdigit()` is
true, and `int("³")` raises.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence

from microblog.errors import Invalid
from microblog.models import MAX_ID
from microblog.services.accounts import NAME_PATTERN

MAX_CURSOR_CHARS = 128
"""Longer than any cursor this codec makes; a longer one is refused before decoding."""

_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
_NUMBER = re.compile(r"0|[1-9][0-9]*")
_SEPARATOR = ":"
_IDS, _TIMELINE, _NAMES = "i", "t", "n"
"""Kinds: the last id of a newest-first list; a home timeline's rank and last id; the last
name of a list ordered by account name."""


def next_id_cursor(ids: Sequence[int], limit: int) -> str | None:
    """After a full page of a newest-first list, the cursor of the page below its last id."""
    return _encode(_IDS, str(ids[-1])) if len(ids) == limit else None


def parse_id_cursor(cursor: str | None) -> int | None:
    """The id a newest-first page starts below (None: from the newest)."""
    if cursor is None:
        return None
    return _number(_decode(cursor, _IDS, 1)[0], cursor)


def timeline_cursor(rank: int, before: int) -> str:
    """A home timeline's next page: `rank` entries already read, the last of them `before`."""
    return _encode(_TIMELINE, str(rank), str(before))


def parse_timeline_cursor(cursor: str | None) -> tuple[int, int | None]:
    """(entries already read, the id the page starts below); (0, None) for the first page."""
    if cursor is None:
        return 0, None
    rank, before = _decode(cursor, _TIMELINE, 2)
    return _number(rank, cursor), _number(before, cursor)


def name_cursor(name: str) -> str:
    """The next page of a list ordered by account name: the names after `name`."""
    return _encode(_NAMES, name)


def parse_name_cursor(cursor: str | None) -> str | None:
    """The account name a page starts after (None: from the first name)."""
    if cursor is None:
        return None
    (name,) = _decode(cursor, _NAMES, 1)
    if not NAME_PATTERN.fullmatch(name):
        raise _refused(cursor)
    return name


def _encode(kind: str, *fields: str) -> str:
    raw = _SEPARATOR.join((kind, *fields)).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _decode(cursor: str, kind: str, count: int) -> list[str]:
    """The `count` fields of a canonical cursor of `kind` (the round trip must give it back)."""
    if len(cursor) > MAX_CURSOR_CHARS or not _BASE64URL.fullmatch(cursor):
        raise _refused(cursor)
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise _refused(cursor) from None
    tag, *fields = text.split(_SEPARATOR, count)
    if tag != kind or len(fields) != count or _encode(kind, *fields) != cursor:
        raise _refused(cursor)
    return fields


def _number(field: str, cursor: str) -> int:
    """A field as a whole number in 0..MAX_ID: ASCII digits, no sign, no leading zero."""
    if not _NUMBER.fullmatch(field) or int(field) > MAX_ID:
        raise _refused(cursor)
    return int(field)


def _refused(cursor: str) -> Invalid:
    shown = cursor if len(cursor) <= MAX_CURSOR_CHARS else cursor[:MAX_CURSOR_CHARS] + "..."
    return Invalid(
        f"cursor must be the next_cursor of the previous page, got {shown!r}", field="cursor"
    )
