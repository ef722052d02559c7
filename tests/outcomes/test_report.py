"""HTML reports: verdicts and headline numbers first, grouped charts, the full table last."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from outcomes.report import REPORT_FILE, render_report, write_report, write_run_report
from outcomes.result import load_runs

if TYPE_CHECKING:
    from conftest import ResultFactory

EMBEDDED_PNG = "data:image/png;base64,"
SLOS = ["latency.timeline_read.p95_ms <= 200", "errors.rate <= 0.001"]
"""The factory's runs meet the first (about 120 ms) and miss the second (about 0.2 %)."""


def _external_references(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(?!data:|#)([^"]+)"', html)


def _before_charts(html: str) -> str:
    return html[: html.index('id="charts"')]


def _card(html: str, label: str) -> str:
    card = html[html.index(f'<div class="label">{label}</div>') :]
    return card[: card.index('<div class="card"')] if '<div class="card"' in card else card


def test_run_report_saves_one_chart_per_question_and_embeds_them(
    factory: ResultFactory, tmp_path: Path
) -> None:
    run_dir = factory.run(tmp_path, "main", factory.result())
    html = write_run_report(run_dir).read_text(encoding="utf-8")
    assert (run_dir / REPORT_FILE).is_file()
    # the factory's timeline latency answers the capacity question; users.online no question
    assert sorted(p.name for p in run_dir.glob("*.png")) == [
        "chart_capacity.png",
        "chart_other.png",
    ]
    assert html.count(EMBEDDED_PNG) == 2
    assert _external_references(html) == []
    assert "timeseries_" not in html  # no chart is captioned with a file name
    assert "Capacity: does the platform keep up" in html


def test_the_first_screen_holds_the_verdicts_and_headline_cards_before_any_chart(
    factory: ResultFactory, tmp_path: Path
) -> None:
    run_dir = factory.run(tmp_path, "main", factory.result(slos=SLOS))
    first = _before_charts(render_report(load_runs([run_dir])))
    assert "1 of 2 SLO checks failed" in first
    assert re.search(r'class="pass">PASS 1\d\d(\.\d+)? ms<', first)
    assert re.search(r'class="fail">FAIL 0\.\d+ %<', first)
    assert "Error rate ≤ 0.1 %" in first  # the SLO in the catalogue's words and unit
    for label in ("Daily active users", "Total revenue", "Error rate"):
        assert f'<div class="label">{label}</div>' in first
    assert "95 % CI" in first
    assert EMBEDDED_PNG not in first


def test_a_run_whose_scenario_lists_no_slos_says_so(factory: ResultFactory, tmp_path: Path) -> None:
    run_dir = factory.run(tmp_path, "main", factory.result())
    html = render_report(load_runs([run_dir]))
    assert '<div id="verdict" class="verdict none"><h2>No SLOs: the scenario lists none' in html


def test_the_full_metrics_table_stays_below_with_an_inline_filter(
    factory: ResultFactory, tmp_path: Path
) -> None:
    html = render_report(load_runs([factory.run(tmp_path, "main", factory.result())]))
    table = html[html.index('id="metrics"') :]
    for name in factory.metrics:
        assert f"<code>{name}</code>" in table
    assert '<input id="filter"' in html
    assert 'querySelectorAll("#metrics tbody tr")' in html


def test_comparison_report_leads_with_significant_changes_and_overlays_charts(
    factory: ResultFactory, tmp_path: Path
) -> None:
    base = factory.result(slos=SLOS)
    richer = factory.result(factory.shifted("revenue.total", 1.2), slos=SLOS)
    dirs = [factory.run(tmp_path, "light", base), factory.run(tmp_path, "heavy", richer)]
    html = write_report(load_runs(dirs), tmp_path / "out" / "cmp.html").read_text("utf-8")
    first = _before_charts(html)
    assert re.search(
        r'class="change better">\+\d+\.\d % ▲ better \(q=', _card(first, "Total revenue")
    )
    assert re.search(
        r'class="change same">[-+]\d+\.\d % n\.s\.', _card(first, "Daily active users")
    )
    moved = re.search(r'<p class="moved">([^<]*)</p>', first)
    assert moved is not None
    assert moved[1].startswith("heavy against light, changed significantly: Total revenue +")
    assert "Daily active users" not in moved[1]
    assert "<th>light</th><th>heavy</th>" in first  # each SLO judged for each run
    assert "<th>Δ heavy</th>" in html  # the full comparison table below
    assert html.count(EMBEDDED_PNG) == 2  # one chart per question, both runs overlaid
    assert "Runs: light solid, heavy dashed." in html
    assert _external_references(html) == []


def test_a_load_test_report_links_locusts_own_report(
    factory: ResultFactory, tmp_path: Path
) -> None:
    run_dir = factory.run(tmp_path, "lt", factory.result())
    (run_dir / "locust").mkdir()
    (run_dir / "locust" / REPORT_FILE).write_text("<html></html>", encoding="utf-8")
    html = render_report(load_runs([run_dir]))
    assert _external_references(html) == ["locust/report.html"]
