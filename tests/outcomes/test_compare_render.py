"""Comparison renderers: one layout in markdown, CSV and JSON, every run and change present."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from outcomes.compare import Comparison, compare_runs
from outcomes.compare_render import (
    comparison_csv,
    comparison_data,
    comparison_html,
    comparison_markdown,
    comparison_table,
)
from outcomes.result import Run

if TYPE_CHECKING:
    from conftest import ResultFactory

LATENCY = "latency.timeline_read.p95_ms"


def _comparison(factory: ResultFactory) -> Comparison:
    main = Run("main", Path("main"), factory.result())
    slower = Run("pr", Path("pr"), factory.result(factory.shifted(LATENCY, 1.3)))
    return compare_runs([main, slower])


def test_markdown_has_a_column_per_run_and_change_and_a_row_per_metric(
    factory: ResultFactory,
) -> None:
    lines = comparison_markdown(_comparison(factory)).splitlines()
    assert lines[0] == "| metric | unit | main | pr | Δ pr |"
    assert len(lines) == 2 + len(factory.metrics)
    assert "worse" in next(line for line in lines if LATENCY in line)


def test_csv_keeps_unrounded_values_intervals_and_tests(factory: ResultFactory) -> None:
    comparison = _comparison(factory)
    rows = list(csv.DictReader(io.StringIO(comparison_csv(comparison))))
    latency = next(row for row in rows if row["metric"] == LATENCY)
    expected = next(r for r in comparison.rows if r.metric == LATENCY)
    assert float(latency["pr"]) == expected.values[1].value
    assert float(latency["pr.ci_lo"]) < float(latency["pr"]) < float(latency["pr.ci_hi"])
    assert latency["pr.significant"] == "True"
    assert float(latency["pr.p_value"]) < 0.05


def test_json_data_serialises_and_names_each_change_by_run(factory: ResultFactory) -> None:
    data = json.loads(json.dumps(comparison_data(_comparison(factory))))
    assert data["runs"] == ["main", "pr"]
    latency = next(row for row in data["rows"] if row["metric"] == LATENCY)
    assert latency["changes"][0]["run"] == "pr"
    assert latency["changes"][0]["verdict"] == "worse"


def test_terminal_table_and_html_show_every_metric(factory: ResultFactory) -> None:
    comparison = _comparison(factory)
    console = Console(file=io.StringIO(), width=200)
    console.print(comparison_table(comparison))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    html = comparison_html(comparison)
    for name in factory.metrics:
        assert name in text and name in html
    assert 'class="worse"' in html
