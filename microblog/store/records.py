"""Copying domain records cheaply: `dataclasses.replace`, about ten times faster.

The memory backend hands out copies so that callers never alias its tables (as a SQL
backend's fresh rows would not); a timeline page copies twenty posts, and a simulation
reads millions of pages. `dataclasses.replace` rebuilds its keyword arguments by walking
the fields each time; this builds the positional arguments with one cached `attrgetter`
and puts any changes in place by the fields' cached positions (writers replace records
with a changed counter or a new id on every like, push and transfer).
"""

from __future__ import annotations

import dataclasses
from operator import attrgetter
from typing import Any, NamedTuple, TypeVar

T = TypeVar("T")


class _Layout(NamedTuple):
    """How to rebuild a record of one dataclass from its positional arguments."""

    read: attrgetter[Any]
    position: dict[str, int]


_layouts: dict[type, _Layout | None] = {}


def replace(record: T, /, **changes: Any) -> T:
    """A copy of the dataclass `record` with `changes` applied, as `dataclasses.replace`."""
    kind = type(record)
    layout = _layouts[kind] if kind in _layouts else _layout(kind)
    if layout is not None and not changes:  # a plain copy, by far the most common: test it first
        return kind(*layout.read(record))
    if layout is None or not changes.keys() <= layout.position.keys():
        return dataclasses.replace(record, **changes)  # type: ignore[type-var]
    values = list(layout.read(record))
    for name, value in changes.items():
        values[layout.position[name]] = value
    return kind(*values)


def _layout(kind: type) -> _Layout | None:
    """Positional field reader of `kind`, or None when some field is not a positional init
    argument (or there is only one: `attrgetter` of one name returns no tuple)."""
    fields = dataclasses.fields(kind)
    plain = all(f.init and f.kw_only is not True for f in fields) and len(fields) > 1
    names = [f.name for f in fields]
    layout = _Layout(attrgetter(*names), {n: i for i, n in enumerate(names)}) if plain else None
    _layouts[kind] = layout
    return layout
