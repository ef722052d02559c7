"""Read a scenario file's YAML, keeping the line of every key so errors can point at it.

PyYAML silently keeps the last of two equal keys; a scenario treats that as the typo it
almost always is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from scenario.errors import Problem, ScenarioError
from scenario.paths import dotted

Lines = dict[tuple[str, ...], int]
"""1-based line of each key or list item, by its path with every segment as a string
(a YAML key `6:` and a list index 6 are both "6"; errors only need the nearest line)."""


def line_of(lines: Lines, path: Sequence[str | int]) -> int | None:
    """Line of the deepest part of `path` that the file wrote, if any."""
    key = tuple(str(segment) for segment in path)
    for depth in range(len(key), 0, -1):
        if key[:depth] in lines:
            return lines[key[:depth]]
    return None


def parse_yaml(text: str, source: str) -> tuple[dict[str, Any], Lines]:
    """The file's top-level mapping and the line of each key; ScenarioError on bad YAML."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        lines: Lines = {}
        problems = _index(root, (), lines) if root is not None else []
        data = loader.construct_document(root) if root is not None else {}
    except yaml.MarkedYAMLError as exc:
        raise ScenarioError(source, [_yaml_problem(exc)]) from None
    finally:
        loader.dispose()
    if problems:
        raise ScenarioError(source, problems)
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise ScenarioError(source, [Problem("", f"must be a mapping of sections, got a {kind}")])
    return data, lines


def _yaml_problem(exc: yaml.MarkedYAMLError) -> Problem:
    """The line where the parser gave up, and where the construct it was reading began."""
    mark = exc.problem_mark or exc.context_mark
    message = f"invalid YAML: {exc.problem or exc.context}"
    if exc.context and exc.context_mark is not None and exc.problem:
        message += f" ({exc.context} on line {exc.context_mark.line + 1})"
    return Problem("", message, mark.line + 1 if mark is not None else None)


def _index(node: yaml.Node, path: tuple[str | int, ...], lines: Lines) -> list[Problem]:
    """Record the line of every key and item below `node`; report keys given twice."""
    if isinstance(node, yaml.MappingNode):
        children = [((*path, str(key.value)), key, value) for key, value in node.value]
    elif isinstance(node, yaml.SequenceNode):
        children = [((*path, index), item, item) for index, item in enumerate(node.value)]
    else:
        return []
    problems: list[Problem] = []
    for child_path, marked, value in children:
        key, line = tuple(str(segment) for segment in child_path), marked.start_mark.line + 1
        if key in lines:
            message = f"key given twice (first on line {lines[key]})"
            problems.append(Problem(dotted(child_path), message, line))
        lines[key] = line
        problems += _index(value, child_path, lines)
    return problems
