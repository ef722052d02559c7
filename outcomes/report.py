"""Self-contained HTML reports: one run, or several compared with the first.

The page leads with what a reader came for: every SLO's verdict and the headline numbers
with their intervals (or, comparing, their changes and whether those are significant).
Charts follow, grouped by the question they answer, then the full metrics table with a
filter, then the scenario and environment. Every chart is an embedded PNG, the styles and
the filter's few lines of script are inline, so a report is one file that opens anywhere
with no network, attached to a CI run or mailed around.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import yaml

from outcomes.charts import Chart, charts
from outcomes.clock import clock_origin
from outcomes.compare import compare_runs
from outcomes.compare_render import comparison_html
from outcomes.formatting import metric_value
from outcomes.headline import headline
from outcomes.headline_render import headline_html
from outcomes.metrics import CATALOGUE, metric_label
from outcomes.plots import png_bytes
from outcomes.result import Run, load_run
from outcomes.timeseries import labelled_timeseries

REPORT_FILE = "report.html"
CHART_PREFIX = "chart_"
"""Saved chart files are `chart_<group>.png` in the run directory."""
FIRST_SCREEN_STYLE = """
body { font-family: system-ui, sans-serif; margin: 0 auto; padding: 0.8rem 1.5rem;
  max-width: 78rem; color: #222; }
header h1 { font-size: 1.35rem; margin: 0.2rem 0; } header p { margin: 0.1rem 0; color: #555;
  font-size: 0.85rem; }
.verdict { border-left: 0.4rem solid; padding: 0.2rem 0.8rem; margin: 0.6rem 0; }
.verdict.pass { border-color: #1e8e3e; background: #eef8f0; }
.verdict.fail { border-color: #c5221f; background: #fcefee; }
.verdict.none { border-color: #999; background: #f3f3f3; }
.verdict h2 { font-size: 1.1rem; margin: 0.3rem 0; }
.verdict table { margin: 0.2rem 0 0.4rem; font-size: 0.82rem; }
.verdict td, .verdict th { border: none; padding: 0.05rem 0.8rem 0.05rem 0; background: none; }
td.pass { color: #1e8e3e; font-weight: 600; } td.fail { color: #c5221f; font-weight: 600; }
p.single { font-size: 0.8rem; color: #8a6d00; margin: 0.2rem 0; }
p.moved { font-size: 0.85rem; font-weight: 600; margin: 0.3rem 0; }
.group { display: flex; align-items: flex-start; gap: 0.6rem; margin: 0.35rem 0; }
.group h3 { flex: 0 0 8rem; font-size: 0.85rem; margin: 0.4rem 0; color: #444; }
.cards { flex: 1; display: grid; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr));
  gap: 0.4rem; }
.card { border: 1px solid #ddd; border-radius: 0.4rem; padding: 0.3rem 0.55rem;
  background: #fafafa; }
.card .label { font-size: 0.75rem; color: #555; }
.card .value { font-size: 1.15rem; font-weight: 600; }
.card .ci, .card .note { font-size: 0.7rem; color: #666; }
.card .method { font-size: 0.62rem; color: #888; }
.card .value { white-space: nowrap; }
.compared .cards { grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); }
.card table.runs { font-size: 0.72rem; margin: 0; }
.card table.runs td { border: none; padding: 0 0.4rem 0 0; white-space: nowrap; }
.card table.runs td.run { max-width: 5.5rem; overflow: hidden; text-overflow: ellipsis;
  color: #555; }
.card table.runs td.value { font-size: 0.85rem; font-weight: 600; }
.change { font-size: 0.75rem; } .change.better { color: #1e8e3e; font-weight: 600; }
.change.worse { color: #c5221f; font-weight: 600; } .change.same, .change.unknown { color: #777; }
"""
STYLE = (
    FIRST_SCREEN_STYLE
    + """
nav { margin: 1rem 0; font-size: 0.9rem; } nav a { margin-right: 1rem; }
h2 { font-size: 1.15rem; margin-top: 1.6rem; }
table { border-collapse: collapse; margin: 0.6rem 0; font-size: 0.85rem; }
th, td { border: 1px solid #ddd; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.better { color: #11782f; } td.worse { color: #b3261e; font-weight: bold; }
td.unknown { color: #8a6d00; }
figure { margin: 0.5rem 0 1.5rem; } figure img { max-width: 100%; }
figcaption { font-size: 0.85rem; color: #555; }
#filter { font-size: 0.95rem; padding: 0.3rem; width: 24rem; }
code { font-size: 0.85em; color: #555; }
pre { background: #f7f7f7; padding: 1rem; overflow-x: auto; }
"""
)
FILTER_SCRIPT = """
document.getElementById("filter").addEventListener("input", (event) => {
  const wanted = event.target.value.toLowerCase();
  for (const row of document.querySelectorAll("#metrics tbody tr")) {
    row.hidden = !row.textContent.toLowerCase().includes(wanted);
  }
});
"""
"""Hides the metrics table's rows that do not contain the filter's text."""


def write_report(runs: Sequence[Run], out: Path) -> Path:
    """Write one run's report, or a comparison of several, to `out`; returns the path."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(runs), encoding="utf-8")
    return out


def write_run_report(run_dir: Path | str) -> Path:
    """Save the run's charts as `chart_<group>.png` beside its summary, then its report.html.

    The simulator and load tests call this after writing summary.json and timeseries.csv.
    """
    run = load_run(run_dir)
    drawn = drawn_charts([run])
    for chart, png in drawn:
        (run.run_dir / f"{CHART_PREFIX}{chart.key}.png").write_bytes(png)
    out = run.run_dir / REPORT_FILE
    out.write_text(render_report([run], drawn), encoding="utf-8")
    return out


DrawnCharts = list[tuple[Chart, bytes]]
"""Each chart with its PNG, rendered once for both the saved file and the report."""


def drawn_charts(runs: Sequence[Run]) -> DrawnCharts:
    """The grouped charts of the runs' timeseries, on the first run's clock."""
    origin = clock_origin(runs[0].result) if runs else None
    return [(chart, png_bytes(chart.figure)) for chart in charts(labelled_timeseries(runs), origin)]


def render_report(runs: Sequence[Run], drawn: DrawnCharts | None = None) -> str:
    """The page; `drawn` are the runs' charts when the caller has rendered them already."""
    if not runs:
        raise ValueError("a report needs at least one result")
    title = (
        f"{runs[0].label}: {runs[0].result.scenario.name}"
        if len(runs) == 1
        else f"Comparison: {' vs '.join(r.label for r in runs)}"
    )
    sections = [
        _header(title, runs),
        headline_html(headline(runs)),
        _nav(),
        _charts_section(drawn_charts(runs) if drawn is None else drawn),
        _metrics_section(runs),
        _details(runs),
    ]
    return _page(title, "".join(sections))


def _header(title: str, runs: Sequence[Run]) -> str:
    lines = [f"<h1>{html.escape(title)}</h1>"]
    for run in runs:
        result = run.result
        facts = [
            f"{run.label}: {result.kind} of scenario {result.scenario.name}",
            f"seed {result.seed}",
            f"{result.replications} replication(s)",
            f"started {_when(result.started_at)}",
            f"took {result.duration_s:.0f} s",
        ]
        lines.append(f"<p>{html.escape(' · '.join(facts))}{_locust_link(run)}</p>")
    description = runs[0].result.scenario.resolved.get("description")
    if len(runs) == 1 and isinstance(description, str):
        lines.append(f"<p>{html.escape(description)}</p>")
    if len(runs) > 1:
        lines.append(
            f"<p>Changes are against {html.escape(runs[0].label)}; ▲/▼ mark significant "
            "changes (Welch's test, Benjamini–Hochberg q &lt; 0.05), n.s. = not significant.</p>"
        )
    return f"<header>{''.join(lines)}</header>"


def _when(iso: str) -> str:
    """`2026-12-06 08:38 UTC+00:00`: the start to the minute, as people read it."""
    started = datetime.fromisoformat(iso)
    zone = f" {started.tzname()}" if started.tzinfo else ""
    return f"{started:%Y-%m-%d %H:%M}{zone}"


def _locust_link(run: Run) -> str:
    """Load tests keep Locust's own HTML report beside ours: link it."""
    found = sorted(p for p in run.run_dir.glob(f"*/{REPORT_FILE}"))
    if not found:
        return ""
    relative = found[0].relative_to(run.run_dir).as_posix()
    return f' · <a href="{html.escape(relative)}">Locust\'s own report</a>'


def _nav() -> str:
    links = [("charts", "Charts"), ("metrics", "All metrics"), ("details", "Scenario and runs")]
    return "<nav>" + "".join(f'<a href="#{a}">{t}</a>' for a, t in links) + "</nav>"


def _charts_section(drawn: DrawnCharts) -> str:
    if not drawn:
        return '<h2 id="charts">Charts</h2><p>No timeseries.csv: nothing to chart.</p>'
    return '<h2 id="charts">Charts</h2>' + "".join(_figure(c, png) for c, png in drawn)


def _figure(chart: Chart, png: bytes) -> str:
    data = base64.b64encode(png).decode("ascii")
    question = html.escape(chart.question)
    return (
        f'<figure id="chart-{chart.key}"><h3>{question}</h3>'
        f'<img alt="{question}" src="data:image/png;base64,{data}">'
        f"<figcaption>{html.escape(chart.caption)}</figcaption></figure>"
    )


def _metrics_section(runs: Sequence[Run]) -> str:
    table = comparison_html(compare_runs(runs)) if len(runs) > 1 else _metrics_table(runs[0])
    return (
        '<h2 id="metrics">All metrics</h2>'
        '<input id="filter" type="search" placeholder="Filter metrics, e.g. latency or p99">'
        f'<div id="metrics">{table}</div>'
    )


def _metrics_table(run: Run) -> str:
    head = "<thead><tr><th>metric</th><th>value [95 % CI]</th><th>unit</th><th>meaning</th>"
    head += "</tr></thead>"
    rows = "".join(
        f"<tr><td>{html.escape(metric_label(name))}<br><code>{html.escape(name)}</code></td>"
        f"<td>{html.escape(metric_value(m))}</td><td>{html.escape(m.unit)}</td>"
        f"<td>{html.escape(_meaning(name))}</td></tr>"
        for name, m in sorted(run.result.metrics.items())
    )
    return f"<table>{head}<tbody>{rows}</tbody></table>"


def _meaning(name: str) -> str:
    info = CATALOGUE.get(name)
    return f"{info.description} ({info.better} is better)" if info else ""


def _details(runs: Sequence[Run]) -> str:
    blocks = [(f"Scenario of {run.label}", run.result.scenario.resolved) for run in runs] + [
        (f"Environment of {run.label}", run.result.environment) for run in runs
    ]
    return '<h2 id="details">Scenario and runs</h2>' + "".join(
        f"<details><summary>{html.escape(title)}</summary>{_yaml_block(data)}</details>"
        for title, data in blocks
    )


def _yaml_block(data: dict[str, object]) -> str:
    return f"<pre>{html.escape(yaml.safe_dump(data, sort_keys=False))}</pre>"


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body>{body}<script>{FILTER_SCRIPT}</script></body></html>\n"
    )
