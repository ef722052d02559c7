"""report.html as a reader meets it: in headless Chromium, at 1280×800, from real runs.

Two tiny simulations (400 accounts, an evening, two replications each) go through
`fanout run` and `fanout report A B` as a user would type them; the run's report and the
comparison then open in Debian's Chromium, driven by Playwright. Skipped, saying why,
where Chromium is not installed (`.ci/run` installs it).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from cli import fanout
from tests.sim.simulator.conftest import TINY, merged

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"
)
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
SLOS = ["latency.timeline_read.p95_ms <= 200", "errors.rate <= 0.01"]
ADS_LOADS = {"light": 0.05, "heavy": 0.15}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The two runs' directories, by name."""
    base = tmp_path_factory.mktemp("runs")
    made = {}
    for name, load in ADS_LOADS.items():
        scenario = merged(
            TINY, {"slos": SLOS, "replications": 2, "economy": {"ads": {"load": load}}}
        )
        path = base / f"{name}.yaml"
        path.write_text(yaml.safe_dump(scenario), encoding="utf-8")
        out = base / name
        result = CliRunner().invoke(fanout, ["run", str(path), "--out", str(out), "--quiet"])
        assert result.exit_code == 0, result.output
        made[name] = out
    return made


def _open(browser: Browser, report: Path, screenshot: Path) -> tuple[Page, list[str]]:
    """The report loaded in a fresh page, and every console error and page error it raised."""
    page = browser.new_page(viewport=VIEWPORT)
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(report.resolve().as_uri())
    page.wait_for_load_state("load")
    page.screenshot(path=str(screenshot))
    return page, errors


def _assert_reads_well(page: Page, errors: list[str]) -> None:
    assert errors == []
    images = page.eval_on_selector_all(
        "img", "images => images.map(i => i.complete && i.naturalWidth > 0)"
    )
    assert len(images) >= 2 and all(images)
    first_screen = [
        "#verdict",
        *[f".card >> nth={i}" for i in range(page.locator(".card").count())],
    ]
    for selector in first_screen:
        box = page.locator(selector).bounding_box()
        assert box is not None, selector
        assert box["y"] + box["height"] <= VIEWPORT["height"], selector
        assert box["x"] + box["width"] <= VIEWPORT["width"], selector
    assert page.locator(".card").count() >= 10


def _assert_filter_hides_other_rows(page: Page) -> None:
    page.fill("#filter", "latency")
    shown = page.eval_on_selector_all(
        "#metrics tbody tr", "rows => rows.filter(r => !r.hidden).map(r => r.textContent)"
    )
    total = page.locator("#metrics tbody tr").count()
    assert shown and len(shown) < total
    assert all("latency" in row.lower() for row in shown)


def test_a_runs_report_opens_on_its_verdicts_and_cards(
    browser: Browser, runs: dict[str, Path], tmp_path: Path
) -> None:
    page, errors = _open(browser, runs["light"] / "report.html", tmp_path / "run.png")
    _assert_reads_well(page, errors)
    assert re.match(r"All 2 SLOs met|\d of 2 SLO checks failed", page.inner_text("#verdict h2"))
    assert "95 % CI" in page.inner_text("#first-screen")
    _assert_filter_hides_other_rows(page)
    assert (tmp_path / "run.png").stat().st_size > 0


def test_a_comparison_opens_on_each_headline_numbers_change(
    browser: Browser, runs: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "cmp.html"
    args = ["report", str(runs["light"]), str(runs["heavy"]), "--out", str(out)]
    result = CliRunner().invoke(fanout, args)
    assert result.exit_code == 0, result.output
    page, errors = _open(browser, out, tmp_path / "cmp.png")
    _assert_reads_well(page, errors)
    first_screen = page.inner_text("#first-screen")
    assert "light" in first_screen and "heavy" in first_screen
    changes = page.eval_on_selector_all(
        "#first-screen .change", "cells => cells.map(c => c.textContent)"
    )
    assert len(changes) >= 10
    for change in changes:  # how much, and whether it is significant
        assert re.fullmatch(
            r"([-+]\d+\.\d %|\S+) (▲ better|▼ worse|n\.s\.|same|\?)( \(q=\S+\))?", change
        )
    _assert_filter_hides_other_rows(page)
