"""Self-contained HTML reports: one run, or several side by side.

Every plot is embedded as a base64 PNG and the styles are inline, so a report is one file
that can be attached to a CI run or mailed around and still open with nothing else.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from pathlib import Path

import yaml

from outcomes.compare import compare_runs
from outcomes.compare_render import comparison_html
from outcomes.formatting import metric_value
from outcomes.metrics import CATALOGUE
from outcomes.plots import (
    TIMESERIES_PLOT_PREFIX,
    png_bytes,
    timeseries_figures,
    write_timeseries_plots,
)
from outcomes.result import Run, load_run
from outcomes.timeseries import Timeseries, labelled_timeseries

REPORT_FILE = "report.html"
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; }
th { background: #f3f3f3; }
td.better { color: #11782f; } td.worse { color: #b3261e; font-weight: bold; }
td.unknown { color: #8a6d00; }
figure { margin: 1rem 0; } img { max-width: 100%; }
pre { background: #f7f7f7; padding: 1rem; overflow-x: auto; }
"""

Figures = list[tuple[str, bytes]]
"""(caption, PNG bytes) pairs, in display order."""


def write_report(runs: Sequence[Run], out: Path) -> Path:
    """Write one run's report, or a comparison of several, to `out`; returns the path."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(runs), encoding="utf-8")
    return out


def write_run_report(run_dir: Path | str) -> Path:
    """Save the run's timeseries plots next to its summary, then its `report.html`.

    The simulator and load tests call this after writing summary.json and timeseries.csv.
    """
    run = load_run(run_dir)
    write_timeseries_plots(labelled_timeseries([run]), run.run_dir)
    return write_report([run], run.run_dir / REPORT_FILE)


def render_report(runs: Sequence[Run]) -> str:
    if not runs:
        raise ValueError("a report needs at least one result")
    if len(runs) == 1:
        return _page(f"fanout run {runs[0].label}", _run_body(runs[0]))
    return _page(f"fanout comparison: {', '.join(r.label for r in runs)}", _comparison_body(runs))


def _run_body(run: Run) -> str:
    figures = _saved_pngs(run.run_dir)
    if not any(caption.startswith(TIMESERIES_PLOT_PREFIX) for caption, _ in figures):
        figures += _timeseries_pngs(labelled_timeseries([run]))
    return "".join(
        [
            "<h2>Run</h2>",
            _runs_table([run]),
            "<h2>Metrics</h2>",
            _metrics_table(run),
            _figures_section(figures),
            "<h2>Scenario</h2>",
            _yaml_block(run.result.scenario.resolved),
            "<h2>Environment</h2>",
            _yaml_block(run.result.environment),
        ]
    )


def _comparison_body(runs: Sequence[Run]) -> str:
    figures = _timeseries_pngs(labelled_timeseries(runs))
    return "".join(
        [
            "<h2>Runs</h2>",
            _runs_table(runs),
            "<h2>Metrics</h2>",
            "<p>Changes are against the first run; n.s. = not statistically significant.</p>",
            comparison_html(compare_runs(runs)),
            _figures_section(figures),
        ]
    )


def _runs_table(runs: Sequence[Run]) -> str:
    head = "<tr><th>run</th><th>kind</th><th>scenario</th><th>seed</th><th>replications</th>"
    head += "<th>started</th><th>duration (s)</th></tr>"
    rows = "".join(
        _html_row(
            [
                r.label,
                r.result.kind,
                r.result.scenario.name,
                str(r.result.seed),
                str(r.result.replications),
                r.result.started_at,
                f"{r.result.duration_s:.1f}",
            ]
        )  # fmt: skip
        for r in runs
    )
    return f"<table>{head}{rows}</table>"


def _metrics_table(run: Run) -> str:
    head = "<tr><th>metric</th><th>value [95 % CI]</th><th>unit</th><th>meaning</th></tr>"
    rows = "".join(
        _html_row([name, metric_value(m), m.unit, _meaning(name)])
        for name, m in sorted(run.result.metrics.items())
    )
    return f"<table>{head}{rows}</table>"


def _yaml_block(data: dict[str, object]) -> str:
    return f"<pre>{html.escape(yaml.safe_dump(data, sort_keys=False))}</pre>"


def _meaning(name: str) -> str:
    info = CATALOGUE.get(name)
    return f"{info.description} ({info.better} is better)" if info else ""


def _html_row(cells: Sequence[str]) -> str:
    return "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in cells) + "</tr>"


def _timeseries_pngs(runs: Sequence[tuple[str, Timeseries]]) -> Figures:
    return [(column, png_bytes(figure)) for column, figure in timeseries_figures(runs).items()]


def _saved_pngs(run_dir: Path) -> Figures:
    """PNGs saved in the run's directory: its own plots first, then its timeseries plots.

    A run writes its timeseries plots just before its report, so they are embedded as
    saved rather than drawn twice; a directory without them has them drawn afresh.
    """
    files = sorted(
        run_dir.glob("*.png"), key=lambda f: (f.name.startswith(TIMESERIES_PLOT_PREFIX), f.name)
    )
    return [(f.stem, f.read_bytes()) for f in files]


def _figures_section(figures: Figures) -> str:
    if not figures:
        return ""
    return "<h2>Plots</h2>" + "".join(_figure(caption, png) for caption, png in figures)


def _figure(caption: str, png: bytes) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>\n"
    )
