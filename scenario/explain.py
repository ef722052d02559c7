"""Turn pydantic's validation errors into scenario problems: path, line, and plain words.

`economy.ads.load: must be >= 0 and < 1, got 1.5` rather than pydantic's
`Input should be less than or equal to 1 [type=less_than_equal, ...]`.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Sequence
from typing import Any

import annotated_types as at
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from scenario.errors import Problem
from scenario.paths import dotted, locate
from scenario.yaml_source import Lines, line_of

BOUND_ERRORS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}


def explain(
    exc: ValidationError, root: type[BaseModel], lines: Lines, overridden: Collection[str]
) -> list[Problem]:
    """One problem per pydantic error; values set by `--set` say so instead of a line."""
    problems = []
    for error in exc.errors():
        path = [segment for segment in error["loc"] if segment != "[key]"]
        where = dotted(path)
        message = _message(error, root, path)
        if any(where == name or where.startswith(f"{name}.") for name in overridden):
            problems.append(Problem(where, f"{message} (from --set)"))
            continue
        below = sorted(name for name in overridden if not where or name.startswith(f"{where}."))
        if below:
            message += f" (with --set {', '.join(below)})"
        problems.append(Problem(where, message, line_of(lines, path)))
    return problems


def unknown_field(root: type[BaseModel], path: Sequence[str | int]) -> str:
    """Say that the last part of `path` is no field of its section, and suggest the nearest;
    a former name (a section's `RENAMED`) is told its new one instead."""
    parent = locate(root, path[:-1])
    renamed: dict[str, str] = getattr(parent.model, "RENAMED", {}) if parent else {}
    if path[-1] in renamed:
        return f"renamed: write '{renamed[str(path[-1])]}' instead"
    names = list(parent.model.model_fields) if parent and parent.model else []
    close = difflib.get_close_matches(str(path[-1]), names, n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"known fields: {', '.join(names)}"
    return f"unknown field ({hint})"


def _message(error: ErrorDetails, root: type[BaseModel], path: list[str | int]) -> str:
    kind, value = error["type"], error.get("input")
    if kind == "extra_forbidden":
        return unknown_field(root, path)
    if kind in BOUND_ERRORS:
        return f"{bounds_text(root, path)}, got {_show(value)}"
    if kind in ("value_error", "assertion_error"):
        return str(error["ctx"]["error"])
    if kind == "literal_error":
        prefix = "key " if "[key]" in error["loc"] else ""
        return f"{prefix}must be {error['ctx']['expected']}, got {_show(value)}"
    text = error["msg"].replace("Input should be", "must be")
    text = f"{text[0].lower()}{text[1:]}"
    return text if isinstance(value, list | dict) else f"{text}, got {_show(value)}"


def bounds_text(root: type[BaseModel], path: Sequence[str | int]) -> str:
    """`must be between 0 and 1` when both ends are inclusive, else `must be >= 0 and < 24`."""
    place = locate(root, path)
    constraints = place.metadata if place is not None else []
    low = next((c for c in constraints if isinstance(c, at.Ge | at.Gt)), None)
    high = next((c for c in constraints if isinstance(c, at.Le | at.Lt)), None)
    if isinstance(low, at.Ge) and isinstance(high, at.Le):
        return f"must be between {_show(low.ge)} and {_show(high.le)}"
    parts = [_bound(c) for c in (low, high) if c is not None]
    return "must be " + " and ".join(parts)


def _bound(constraint: Any) -> str:
    for attribute, symbol in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
        if hasattr(constraint, attribute):
            return f"{symbol} {_show(getattr(constraint, attribute))}"
    raise TypeError(f"not a bound: {constraint!r}")


def _show(value: Any) -> str:
    """A value as the user wrote it, shortened when it is a whole section."""
    text = f"{value:g}" if isinstance(value, float) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
