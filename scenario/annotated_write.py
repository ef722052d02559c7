"""Write a scenario file back with some fields changed, each changed line saying why.

`fanout fit` hands a strategist the scenario they gave it with the fitted fields set; the
file must stay theirs: its comments, key order, quoting and sources survive, and each
changed line carries a comment (`# fitted by fanout fit: ...`). PyYAML drops comments on
load (scenario.yaml_source only remembers lines, for error messages), so this round-trips
the file with ruamel.yaml, whose loader keeps comments and layout attached to the data.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.util import load_yaml_guess_indent

from scenario.model import Scenario
from scenario.overrides import holder, schema_keys

MAPPING_INDENT = 2
"""Spaces per nesting level of a mapping, as in every shipped scenario."""


def write_annotated(source: Path, changes: Mapping[str, tuple[Any, str]], out: Path) -> Path:
    """Write `source` to `out` with each dotted path in `changes` set to its value and
    commented; sections the file left to their defaults are added. Returns `out`."""
    text = source.read_text(encoding="utf-8")
    data = _round_trip().load(text) or CommentedMap()
    for path, (value, comment) in changes.items():
        keys = schema_keys(Scenario, path.split("."))
        # every mapping ruamel's round-trip loader builds is a CommentedMap
        section = cast(CommentedMap, holder(data, keys, CommentedMap))
        section[keys[-1]] = value
        section.yaml_add_eol_comment(comment, keys[-1])
    written = io.StringIO()
    _round_trip(text).dump(data, written)
    try:
        out.write_text(written.getvalue(), encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"{out}: cannot write: {exc.strerror}") from None
    return out


def _round_trip(text: str = "") -> YAML:
    """A comment-keeping reader/writer that indents lists the way `text` does.

    ruamel.yaml cannot keep indentation per node; it guesses the list style from the text
    (`- x` flush with its key, or indented as in the shipped scenarios). Mappings get the
    two spaces every shipped scenario uses.
    """
    rt = YAML()
    rt.preserve_quotes = True
    rt.width = 4096  # never re-wrap a line the author wrote as one line
    sequence, offset = load_yaml_guess_indent(text)[1:] if text else (None, None)
    if offset is not None:
        rt.indent(mapping=MAPPING_INDENT, sequence=sequence, offset=offset)
    else:
        rt.indent(mapping=MAPPING_INDENT, sequence=MAPPING_INDENT, offset=0)
    return rt
