"""`--set dotted.path=value`: change one field of a scenario without editing its file.

Overrides are applied to the raw YAML mapping before validation, so an overridden value is
checked exactly like a written one. The path must name a real field (a typo is an error,
not a silently ignored key); the value is read as YAML, so `0.15`, `pull`, `[a, b]` and
`{app_servers: 16}` all mean what they would in the file. Lists are replaced whole.
Programs (a sweep) may pass a mapping of paths to values instead of strings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, get_args

import yaml
from pydantic import BaseModel

from scenario.errors import Problem
from scenario.explain import unknown_field
from scenario.paths import Node, child

Overrides = Sequence[str] | Mapping[str, Any]
"""`["economy.ads.load=0.15"]` as typed after `--set`, or `{"economy.ads.load": 0.15}` with
values already parsed (as a sweep holds them)."""


def apply_overrides(
    data: dict[str, Any], overrides: Overrides, root: type[BaseModel]
) -> tuple[set[str], list[Problem]]:
    """Set each override into `data`; returns the paths set and the overrides that failed."""
    entries = overrides.items() if isinstance(overrides, Mapping) else overrides
    applied: set[str] = set()
    problems: list[Problem] = []
    for entry in entries:
        name = entry[0] if isinstance(entry, tuple) else entry.partition("=")[0].strip()
        try:
            value = entry[1] if isinstance(entry, tuple) else _value(entry)
            _set(data, schema_keys(root, name.split(".")), value)
        except ValueError as exc:
            problems.append(Problem(name, f"--set: {exc}"))
            continue
        applied.add(name)
    return applied, problems


def _value(text: str) -> Any:
    """The value of `path=value`, read as YAML."""
    name, separator, raw = text.partition("=")
    if not separator or not name.strip():
        raise ValueError(f"{text!r} is not dotted.path=value")
    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        reason = getattr(exc, "problem", None) or exc
        raise ValueError(f"value {raw!r} is not YAML: {reason}") from None


def schema_keys(root: type[BaseModel], segments: list[str]) -> list[Any]:
    """The raw-dict keys for a dotted path, after checking it against the schema.

    Raises ValueError naming the first segment that is no field (with the nearest one).
    """
    place, keys = Node(root), []
    for depth, segment in enumerate(segments):
        if place.container in (list, tuple):
            raise ValueError(f"{'.'.join(segments[:depth])} is a list; set it whole")
        found = child(place, segment)
        if found is None and place.model is not None:
            raise ValueError(unknown_field(root, segments[: depth + 1]))
        if found is None:
            raise ValueError(f"{'.'.join(segments[:depth])} has no fields to set")
        keys.append(_dict_key(place, segment))
        place = found
    return keys


def _dict_key(parent: Node, segment: str) -> Any:
    """Keys of `dict[int, ...]` fields (top-up amounts) are numbers in the file too."""
    if parent.container is dict and get_args(parent.annotation)[0] is int:
        try:
            return int(segment)
        except ValueError:
            raise ValueError(f"key {segment!r} must be a whole number") from None
    return segment


def _set(data: dict[Any, Any], keys: list[Any], value: Any) -> None:
    holder(data, keys)[keys[-1]] = value


def holder(
    data: dict[Any, Any], keys: list[Any], new_section: Callable[[], dict[Any, Any]] = dict
) -> dict[Any, Any]:
    """The mapping that holds the last of `keys`; sections the file left out are created
    with `new_section` (a round-trip writer passes its own mapping type)."""
    node = data
    for depth, key in enumerate(keys[:-1]):
        below = node.get(key)
        if below is None:
            below = node[key] = new_section()
        if not isinstance(below, dict):
            where = ".".join(map(str, keys[: depth + 1]))
            raise ValueError(f"the file sets {where} to {below!r}, not a section")
        node = below
    return node
