"""Walk the scenario model along a dotted path, as written in a file, an override or an error.

One walker serves `--set` (is this a real field?) and error messages (what are this field's
bounds, which fields does this section have?), so the two never disagree about the schema.
"""

from __future__ import annotations

import types
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo


@dataclass(frozen=True)
class Node:
    """A place in the schema: its type with Optional and Annotated removed, and constraints."""

    annotation: Any
    metadata: list[Any] = field(default_factory=list)

    @property
    def model(self) -> type[BaseModel] | None:
        """The section's model, when this place is a section."""
        kind = self.annotation
        return kind if isinstance(kind, type) and issubclass(kind, BaseModel) else None

    @property
    def container(self) -> type | None:
        """dict, list or tuple when this place holds a collection."""
        return get_origin(self.annotation)


def node(annotation: Any, metadata: Sequence[Any] = ()) -> Node:
    """Strip `X | None` and `Annotated[...]`, collecting the constraints found on the way."""
    collected = list(metadata)
    while True:
        if get_origin(annotation) is Annotated:
            annotation, *extra = get_args(annotation)
            for item in extra:
                collected.extend(item.metadata if isinstance(item, FieldInfo) else [item])
        elif get_origin(annotation) in (Union, types.UnionType):
            annotation = next(arg for arg in get_args(annotation) if arg is not type(None))
        else:
            return Node(annotation, collected)


def child(parent: Node, segment: str | int) -> Node | None:
    """The place one step below `parent`, or None when `segment` names nothing there."""
    if parent.model is not None:
        found = parent.model.model_fields.get(segment) if isinstance(segment, str) else None
        return None if found is None else node(found.annotation, found.metadata)
    args = get_args(parent.annotation)
    if parent.container is dict:
        return node(args[1])
    if parent.container is list and isinstance(segment, int):
        return node(args[0])
    if parent.container is tuple and isinstance(segment, int) and segment < len(args):
        return node(args[segment])
    return None


def locate(root: type[BaseModel], path: Sequence[str | int]) -> Node | None:
    """The place at `path` below the root model, or None when the path leaves the schema."""
    place: Node | None = Node(root)
    for segment in path:
        if place is None:
            return None
        place = child(place, segment)
    return place


def dotted(path: Sequence[str | int]) -> str:
    """How a path is written in messages: `economy.ads.load`, `slos[2]`."""
    text = ""
    for segment in path:
        text += f"[{segment}]" if isinstance(segment, int) else f".{segment}"
    return text.lstrip(".")
