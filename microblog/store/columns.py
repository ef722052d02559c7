"""Append-mostly tables of fixed-width records, stored by column (memory backend).

A simulated day of a million users writes tens of millions of small records: ad
impressions, ledger transfers. As dataclass objects in a dict, each cost ~250-400 bytes
(object, dict slot, boxed id, price, day and timestamp); by column, one machine word per
field. Record ids are dense, so record `i` lives in row `i - 1` and needs no index.
Readers get plain tuples and build their own model objects.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence

Value = int | float


class ColumnTable:
    """Records whose fields are numbers, one `array` per field; ids count from 1."""

    __slots__ = ("_names", "_columns")

    def __init__(self, fields: dict[str, str]) -> None:
        """`fields`: name -> `array` type code ('q' int64, 'i' int32, 'b' int8, 'd' double)."""
        self._names = {name: at for at, name in enumerate(fields)}
        self._columns = [array(code) for code in fields.values()]

    def __len__(self) -> int:
        return len(self._columns[0])

    def append(self, values: Sequence[Value]) -> int:
        """Store a record (fields in declaration order); returns its id."""
        if len(values) != len(self._columns):  # checked first, so no column grows alone
            raise ValueError(f"a record has {len(self._columns)} fields, got {len(values)}")
        for column, value in zip(self._columns, values):  # noqa: B905 - checked: no strict cost
            column.append(value)  # type: ignore[arg-type]
        return len(self)

    def __contains__(self, record_id: object) -> bool:
        return isinstance(record_id, int) and 0 < record_id <= len(self)

    def __getitem__(self, record_id: int) -> tuple[Value, ...]:
        """The record's fields in declaration order; KeyError for an id never stored."""
        if record_id not in self:
            raise KeyError(record_id)
        row = record_id - 1
        return tuple(column[row] for column in self._columns)

    def value(self, record_id: int, name: str) -> Value:
        """One field of one record."""
        if record_id not in self:
            raise KeyError(record_id)
        return self._columns[self._names[name]][record_id - 1]

    def set(self, record_id: int, name: str, value: Value) -> None:
        if record_id not in self:
            raise KeyError(record_id)
        self._columns[self._names[name]][record_id - 1] = value  # type: ignore[assignment]

    def column(self, name: str) -> Iterator[Value]:
        """One field of every record, in id order (for totals over the whole table)."""
        return iter(self._columns[self._names[name]])
