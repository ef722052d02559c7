"""Column tables of the memory backend: records in, the same records out, by id."""

from __future__ import annotations

import pytest

from microblog.store.columns import ColumnTable


def table() -> ColumnTable:
    return ColumnTable({"owner": "q", "amount": "q", "flag": "b", "at": "d"})


def test_records_come_back_by_their_dense_ids() -> None:
    t = table()
    assert t.append((7, -5, 0, 1.5)) == 1
    assert t.append((2**40, 3, 1, 2.25)) == 2
    assert len(t) == 2 and 1 in t and 2 in t and 0 not in t and 3 not in t and "1" not in t
    assert t[1] == (7, -5, 0, 1.5) and t[2] == (2**40, 3, 1, 2.25)
    assert list(t.column("amount")) == [-5, 3]


def test_a_field_changes_in_place_and_unknown_ids_are_refused() -> None:
    t = table()
    t.append((1, 2, 0, 0.0))
    t.set(1, "flag", 1)
    assert t[1] == (1, 2, 1, 0.0)
    with pytest.raises(KeyError):
        t[2]
    with pytest.raises(KeyError):
        t.set(0, "flag", 1)


def test_a_record_with_the_wrong_number_of_fields_is_refused_whole() -> None:
    t = table()
    with pytest.raises(ValueError, match="4 fields, got 3"):
        t.append((1, 2, 3))
    assert len(t) == 0 and t.append((1, 2, 0, 0.0)) == 1 and t[1] == (1, 2, 0, 0.0)


def test_one_field_of_one_record_reads_by_name() -> None:
    t = table()
    t.append((1, 2, 0, 0.5))
    assert t.value(1, "at") == 0.5 and t.value(1, "owner") == 1
    with pytest.raises(KeyError):
        t.value(2, "at")
