"""The field reference in scenarios/README.md is generated from the models and kept in sync."""

from __future__ import annotations

import re

from scenario.docs import BEGIN, END, field_tables, render_readme
from tests.scenario.conftest import SCENARIOS

README = SCENARIOS / "README.md"


def rows() -> list[list[str]]:
    """Cells of every field row of the generated tables."""
    lines = [line for line in field_tables().splitlines() if line.startswith("| `")]
    return [[cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]] for line in lines]


def test_the_committed_readme_tables_equal_the_generated_ones() -> None:
    readme = README.read_text(encoding="utf-8")
    assert BEGIN in readme and END in readme
    assert render_readme(readme) == readme, "run: python -m scenario.docs --write " + (
        "scenarios/README.md"
    )


def test_every_field_has_a_row_with_a_type_and_a_description() -> None:
    for name, kind, _default, _unit, description, _source in rows():
        assert kind and description, name


def test_units_and_sources_get_their_own_columns() -> None:
    by_name = {cells[0]: cells for cells in rows()}
    assert by_name["`follower_exponent`"][5].startswith("Kwak")
    assert by_name["`latency_ms`"][3] == "ms"
    assert "Unit:" not in by_name["`latency_ms`"][4]


def test_section_links_point_at_headings_that_exist() -> None:
    tables = field_tables()
    headings = {
        "#" + re.sub(r"[^a-z0-9_-]", "", title.lower())
        for title in re.findall(r"^### `([^`]+)`", tables, flags=re.MULTILINE)
    }
    links = set(re.findall(r"\]\((#[^)]+)\)", tables))
    assert links and links <= headings
