"""The cursor codec: what it hands out comes back intact; anything else is refused by name."""

import base64
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog.errors import Invalid
from microblog.models import MAX_ID
from microblog.services.accounts import NAME_PATTERN
from microblog.services.cursors import (
    name_cursor,
    next_id_cursor,
    parse_id_cursor,
    parse_name_cursor,
    parse_timeline_cursor,
    timeline_cursor,
)

ids = st.integers(min_value=0, max_value=MAX_ID)
PARSERS: list[Callable[[str | None], object]] = [
    parse_id_cursor,
    parse_timeline_cursor,
    parse_name_cursor,
]


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


@given(ids)
def test_an_id_cursor_gives_back_the_last_id_of_a_full_page(last: int) -> None:
    cursor = next_id_cursor([MAX_ID, last], limit=2)
    assert cursor is not None and parse_id_cursor(cursor) == last


def test_a_short_page_is_the_last_and_no_cursor_starts_from_the_newest() -> None:
    assert next_id_cursor([9, 8], limit=3) is None
    assert parse_id_cursor(None) is None
    assert parse_timeline_cursor(None) == (0, None)
    assert parse_name_cursor(None) is None


@given(ids, ids)
def test_a_timeline_cursor_gives_back_rank_and_last_id(rank: int, before: int) -> None:
    assert parse_timeline_cursor(timeline_cursor(rank, before)) == (rank, before)


@given(st.from_regex(NAME_PATTERN, fullmatch=True))
def test_a_name_cursor_gives_back_the_name(name: str) -> None:
    assert parse_name_cursor(name_cursor(name)) == name


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "³",  # passes str.isdigit(), fails int()
        "1.³",
        "12",  # a bare id is not a cursor: clients do not build them
        b64("i:³"),
        b64("i:١٢"),  # Arabic-Indic digits
        b64("i:-1"),
        b64("i:+1"),
        b64("i:01"),
        b64("i: 1"),
        b64(f"i:{MAX_ID + 1}"),
        b64("i:1:2"),
        b64("i"),
        b64("t:1:2"),  # another list's kind
        b64("i:1") + "=",  # padding is not canonical
        b64("i:1")[:-1] + "N",  # other trailing bits, same bytes
        "aTox" * 40,  # too long to decode
        "_w",  # not UTF-8
    ],
)
def test_a_malformed_id_cursor_is_invalid_naming_cursor(cursor: str) -> None:
    with pytest.raises(Invalid) as raised:
        parse_id_cursor(cursor)
    assert raised.value.field == "cursor"


@pytest.mark.parametrize(
    "cursor", [b64("t:1"), b64("t:1:³"), b64(f"t:1:{MAX_ID + 1}"), b64("t:1.2"), b64("i:1")]
)
def test_a_malformed_timeline_cursor_is_invalid(cursor: str) -> None:
    with pytest.raises(Invalid):
        parse_timeline_cursor(cursor)


@pytest.mark.parametrize("name", ["", "a b", "al", "x" * 33, "zoë", "al\n"])
def test_a_name_cursor_must_hold_an_account_name(name: str) -> None:
    with pytest.raises(Invalid):
        parse_name_cursor(b64(f"n:{name}"))


@given(st.one_of(st.text(max_size=40), st.binary(max_size=40).map(base64.urlsafe_b64encode)))
def test_any_other_text_decodes_within_range_or_is_invalid(raw: str | bytes) -> None:
    """Text, and base64 of arbitrary bytes (to reach past the alphabet check), never raise
    anything but `Invalid`, and what they decode to is what a store can hold."""
    cursor = raw if isinstance(raw, str) else raw.decode().rstrip("=")
    for parse in PARSERS:
        try:
            value = parse(cursor)
        except Invalid as refused:
            assert refused.field == "cursor"
            continue
        numbers = value if isinstance(value, tuple) else (value,)
        assert all(not isinstance(n, int) or 0 <= n <= MAX_ID for n in numbers)
