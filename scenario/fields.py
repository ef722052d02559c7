"""Building blocks shared by every scenario section: strict sections, shares, documented fields.

Every behavioural number in a scenario is declared with `spec()`, which keeps the unit and
the published source next to the default: they appear in the field's description (so an
editor shows them on hover), in the JSON Schema, and in the generated tables of
scenarios/README.md (scenario.docs reads them back with `unit_and_source`).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.config import JsonDict
from pydantic.fields import FieldInfo

ASSUMED = "assumption"
"""Source of a number that no published study gives: a plausible default to be replaced by
measurements of the platform under study."""

SHARE_TOLERANCE = 1e-3
"""How far a set of shares may sum from 1 (hand-written YAML rounds: 0.33 + 0.33 + 0.34)."""


class Section(BaseModel):
    """Base of every scenario section: a misspelt key is an error, and a loaded scenario is
    immutable so that the simulator and the Result always see the same numbers."""

    model_config = ConfigDict(extra="forbid", frozen=True)


Share = Annotated[float, Field(ge=0, le=1)]
"""A fraction of something, between 0 and 1."""


def _ordered(bounds: tuple[float, float]) -> tuple[float, float]:
    low, high = bounds
    if low > high:
        raise ValueError(f"low end {low:g} is above high end {high:g}")
    return bounds


ShareRange = Annotated[tuple[Share, Share], AfterValidator(_ordered)]
"""A [low, high] pair of shares; a value is drawn uniformly between them."""

NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Range = Annotated[tuple[NonNegative, NonNegative], AfterValidator(_ordered)]
"""A [low, high] pair of non-negative numbers; a value is drawn uniformly between them."""


def unit_and_source(unit: str | None, source: str | None) -> str:
    """The suffix `spec()` appends to a field's description; docs strip it off again."""
    parts = [f" Unit: {unit}." if unit else "", f" Source: {source}." if source else ""]
    return "".join(parts)


def spec(
    default: Any, text: str, *, unit: str | None = None, source: str | None = None, **bounds: Any
) -> Any:
    """A scenario field: default, what it drives, its unit and where the number comes from.

    `bounds` are pydantic constraints (ge, le, gt, lt, min_length, ...).
    """
    extra: JsonDict = {key: value for key, value in (("unit", unit), ("source", source)) if value}
    return Field(
        default,
        description=text + unit_and_source(unit, source),
        json_schema_extra=extra or None,
        **bounds,
    )


def section(model: type[BaseModel], text: str) -> Any:
    """A nested section that defaults to all of its own defaults."""
    return Field(default_factory=model, description=text)


def field_extra(field: FieldInfo, key: str) -> str | None:
    """The unit or source recorded by `spec()`, if any."""
    extra = field.json_schema_extra
    value = extra.get(key) if isinstance(extra, dict) else None
    return value if isinstance(value, str) else None


def check_shares(shares: dict[Any, float]) -> dict[Any, float]:
    """Shares of a whole (presence states, payment channels, age bands) must add up to 1."""
    total = sum(shares.values())
    if shares and abs(total - 1) > SHARE_TOLERANCE:
        raise ValueError(f"shares must add up to 1, got {total:g}")
    return shares


def check_weights(weights: list[float]) -> list[float]:
    """Relative weights are normalised by their users, so only an all-zero list is meaningless."""
    if not any(weights):
        raise ValueError("at least one weight must be above 0")
    return weights
