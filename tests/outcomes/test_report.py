"""HTML reports: one self-contained file with plots embedded, for one run or several."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from outcomes.plots import new_figure, png_bytes
from outcomes.report import REPORT_FILE, render_report, write_report, write_run_report
from outcomes.result import load_runs

if TYPE_CHECKING:
    from conftest import ResultFactory

EMBEDDED_PNG = "data:image/png;base64,"


def _external_references(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(?!data:)([^"]+)"', html)


def test_run_report_embeds_timeseries_plots_and_saves_them_beside_the_summary(
    factory: ResultFactory, tmp_path: Path
) -> None:
    run_dir = factory.run(tmp_path, "main", factory.result())
    html = write_run_report(run_dir).read_text(encoding="utf-8")
    assert (run_dir / REPORT_FILE).is_file()
    assert sorted(p.name for p in run_dir.glob("*.png")) == [
        "timeseries_latency.timeline_read.p95_ms.png",
        "timeseries_users.online.png",
    ]
    assert html.count(EMBEDDED_PNG) == 2
    assert _external_references(html) == []
    for name in factory.metrics:
        assert name in html


def test_run_report_embeds_other_pngs_the_run_saved(factory: ResultFactory, tmp_path: Path) -> None:
    run_dir = factory.run(tmp_path, "main", factory.result(), timeseries=False)
    figure, _ = new_figure("queue lengths")
    (run_dir / "queues.png").write_bytes(png_bytes(figure))
    html = render_report(load_runs([run_dir]))
    assert html.count(EMBEDDED_PNG) == 1
    assert "<figcaption>queues</figcaption>" in html


def test_comparison_report_shows_both_runs_the_change_table_and_overlays(
    factory: ResultFactory, tmp_path: Path
) -> None:
    runs = load_runs([factory.run(tmp_path, name, factory.result()) for name in ("main", "pr")])
    html = write_report(runs, tmp_path / "out" / "comparison.html").read_text(encoding="utf-8")
    assert "<th>Δ pr</th>" in html
    assert html.count(EMBEDDED_PNG) == 2
    assert _external_references(html) == []
