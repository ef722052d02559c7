"""Which scenario fields a search may vary: numbers, within the range their schema allows.

`fanout fit --vary economy.ads.load=0.02..0.3` hands the optimiser a continuous range; a
typo in the path, a field that is not a number (`platform.fanout`), or a range reaching
outside the field's own bounds must be refused before any candidate runs, with the same
words `--set` and `fanout validate` use for the same mistakes.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any

import annotated_types as at

from scenario.explain import bounds_text
from scenario.model import Scenario
from scenario.overrides import schema_keys
from scenario.paths import locate


@dataclass(frozen=True)
class NumericField:
    """A number field of the scenario: its dotted path, whether it holds whole numbers, and
    the bounds its schema sets (pydantic's ge/gt/le/lt constraints)."""

    path: str
    integer: bool
    constraints: tuple[Any, ...]

    def admits(self, value: float) -> bool:
        """Whether the schema accepts `value` for this field."""
        return all(
            compare(value, getattr(bound, name))
            for bound in self.constraints
            for name, compare in COMPARISONS.items()
            if hasattr(bound, name)
        )


COMPARISONS = {"ge": operator.ge, "gt": operator.gt, "le": operator.le, "lt": operator.lt}
"""How a value must stand to each kind of pydantic bound (`ge=0`: value >= 0)."""
BOUND_TYPES = (at.Ge, at.Gt, at.Le, at.Lt)


def numeric_field(path: str) -> NumericField:
    """The number field at `path`; ValueError naming the path when there is none."""
    segments = path.split(".")
    try:
        schema_keys(Scenario, segments)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
    place = locate(Scenario, segments)
    kind = place.annotation if place is not None else None
    if place is None or kind not in (int, float):  # bool subclasses int, but is not `int`
        shown = kind.__name__ if isinstance(kind, type) else str(kind).replace("typing.", "")
        raise ValueError(f"{path}: not a number field (it holds {shown}); only numbers vary")
    bounds = tuple(item for item in place.metadata if isinstance(item, BOUND_TYPES))
    return NumericField(path, kind is int, bounds)


def check_range(field: NumericField, low: float, high: float) -> None:
    """LOW must be below HIGH, both within the field's bounds (and whole for int fields)."""
    if low >= high:
        raise ValueError(f"{field.path}: range {low:g}..{high:g} is empty; LOW must be below HIGH")
    if field.integer and not (float(low).is_integer() and float(high).is_integer()):
        raise ValueError(f"{field.path}: holds whole numbers; got {low:g}..{high:g}")
    outside = [end for end in (low, high) if not field.admits(end)]
    if outside:
        allowed = bounds_text(Scenario, field.path.split("."))
        raise ValueError(
            f"{field.path}: range {low:g}..{high:g} leaves the field's bounds "
            f"({allowed}; {outside[0]:g} is not)"
        )
