"""A Comparison as a terminal table, markdown, JSON-ready data, CSV or an HTML table.

The text renderers share one layout (metric, unit, each run's value, then each later run's
change against the first) so the terminal, a PR comment and the HTML report read alike.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Callable
from typing import Any

from rich.markup import escape
from rich.table import Table

from outcomes.compare import Change, Comparison, ComparisonRow, Verdict
from outcomes.formatting import csv_cells, csv_columns, metric_value, number, signed_percent

VERDICT_STYLES = {"better": "green", "worse": "red", "unknown": "yellow"}
CSV_CHANGE_FIELDS = ("absolute", "relative", "p_value", "q_value", "significant")


def header(comparison: Comparison) -> list[str]:
    first, *others = comparison.labels
    return ["metric", "unit", first, *(cell for label in others for cell in (label, f"Δ {label}"))]


def row_cells(row: ComparisonRow) -> list[tuple[str, Verdict | None]]:
    """Each cell's text, with the verdict of change cells so renderers can colour them."""
    first, *others = row.values
    cells: list[tuple[str, Verdict | None]] = [(row.metric, None), (row.unit, None)]
    cells.append((metric_value(first), None))
    for value, change in zip(others, row.changes, strict=True):
        cells += [(metric_value(value), None), (change_text(change), change.verdict)]
    return cells


def change_text(change: Change) -> str:
    """`+12.3 % worse (q=0.002)`; a change that is not significant is marked `n.s.`.

    q is the p-value adjusted for the other metrics compared (see outcomes.compare).
    """
    relative = (
        signed_percent(change.relative) if change.relative is not None else number(change.absolute)
    )
    q_value = f" (q={change.q_value:.2g})" if change.q_value is not None else ""
    label = {"same": "n.s." if change.absolute else "same", "unknown": "?"}.get(
        change.verdict, change.verdict
    )
    return f"{relative} {label}{q_value}"


def comparison_table(comparison: Comparison) -> Table:
    metric, *others = header(comparison)
    table = Table(title="fanout compare")
    # Metric names are what a reader scans for: wrap the numbers, never the names.
    table.add_column(metric, no_wrap=True, min_width=max(len(r.metric) for r in comparison.rows))
    for name in others:
        table.add_column(name)
    for row in comparison.rows:
        table.add_row(*(_styled(text, verdict) for text, verdict in row_cells(row)))
    return table


def comparison_markdown(comparison: Comparison) -> str:
    cols = header(comparison)
    lines = ["| " + " | ".join(cols) + " |", "|" + " --- |" * len(cols)]
    for row in comparison.rows:
        lines.append(
            "| " + " | ".join(text.replace("|", "\\|") for text, _ in row_cells(row)) + " |"
        )
    return "\n".join(lines) + "\n"


def comparison_html(comparison: Comparison) -> str:
    """A `<table>` whose change cells carry their verdict as a CSS class."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in header(comparison))
    body = "".join(
        "<tr>" + "".join(_html_cell(text, verdict) for text, verdict in row_cells(row)) + "</tr>"
        for row in comparison.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def comparison_data(comparison: Comparison) -> dict[str, Any]:
    """Plain data for `--json`: every number unrounded."""
    return {
        "runs": comparison.labels,
        "rows": [
            {
                "metric": row.metric,
                "unit": row.unit,
                "values": [
                    {"value": v.value, "ci95": v.ci95, "interval": v.interval} for v in row.values
                ],
                "changes": [
                    {"run": label, **vars(change)}
                    for label, change in zip(comparison.labels[1:], row.changes, strict=True)
                ],
            }
            for row in comparison.rows
        ],
    }


def comparison_json(comparison: Comparison) -> str:
    return json.dumps(comparison_data(comparison), indent=2) + "\n"


def comparison_csv(comparison: Comparison) -> str:
    """One row per metric; per run its value and interval, per later run its change and test."""
    first, *others = comparison.labels
    columns = ["metric", "unit", *csv_columns(first)]
    columns += [c for label in others for c in (*csv_columns(label), *_change_columns(label))]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in comparison.rows:
        cells: list[Any] = [row.metric, row.unit, *csv_cells(row.values[0])]
        for value, change in zip(row.values[1:], row.changes, strict=True):
            cells += [*csv_cells(value), *(getattr(change, f) for f in CSV_CHANGE_FIELDS)]
        writer.writerow(["" if c is None else c for c in cells])
    return out.getvalue()


def _change_columns(label: str) -> list[str]:
    return [f"{label}.{field}" for field in CSV_CHANGE_FIELDS]


def _styled(text: str, verdict: Verdict | None) -> str:
    style = VERDICT_STYLES.get(verdict or "", "")
    return f"[{style}]{escape(text)}[/]" if style else escape(text)


def _html_cell(text: str, verdict: Verdict | None) -> str:
    css = f' class="{verdict}"' if verdict else ""
    return f"<td{css}>{html.escape(text)}</td>"


TEXT_FORMATS: dict[str, Callable[[Comparison], str]] = {
    "markdown": comparison_markdown,
    "json": comparison_json,
    "csv": comparison_csv,
}
"""Renderers of the non-terminal output formats, by `--format` name."""
