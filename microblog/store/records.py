"""Copying domain records cheaply: `dataclasses.replace`, about ten times faster.

The memory backend hands out copies so that callers never alias its tables (as a SQL
backend's fresh rows would not); a timeline page copies twenty posts, and a simulation
reads millions of pages. `dataclasses.replace` rebuilds its keyword arguments by walking
the fields each time; this builds the positional arguments with one cached `attrgetter`.
"""

from __future__ import annotations

import dataclasses
from operator import attrgetter
from typing import Any, TypeVar

T = TypeVar("T")

_getters: dict[type, attrgetter[Any] | None] = {}


def replace(record: T, /, **changes: Any) -> T:
    """A copy of the dataclass `record` with `changes` applied, as `dataclasses.replace`."""
    kind = type(record)
    getter = _getters[kind] if kind in _getters else _getter(kind)
    if changes or getter is None:
        return dataclasses.replace(record, **changes)  # type: ignore[type-var]
    return kind(*getter(record))


def _getter(kind: type) -> attrgetter[Any] | None:
    """Positional field reader of `kind`, or None when some field is not a positional init
    argument (or there is only one: `attrgetter` of one name returns no tuple)."""
    fields = dataclasses.fields(kind)
    plain = all(f.init and f.kw_only is not True for f in fields) and len(fields) > 1
    _getters[kind] = attrgetter(*(f.name for f in fields)) if plain else None
    return _getters[kind]
