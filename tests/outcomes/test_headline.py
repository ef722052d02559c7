"""The first screen's model and its terminal rendering: verdicts, then headline cards."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from rich.console import Console

from outcomes.compare import compare_runs
from outcomes.headline import headline
from outcomes.headline_render import headline_console, headline_html, moved_lines
from outcomes.result import Metric, load_runs
from outcomes.timeseries import Timeseries, write_timeseries

if TYPE_CHECKING:
    from conftest import ResultFactory

SLOS = ["latency.timeline_read.p95_ms <= 200", "errors.rate <= 0.001"]


def _cards(runs_headline: object) -> dict[str, object]:
    return {c.metric: c for g in runs_headline.groups for c in g.cards}  # type: ignore[attr-defined]


def test_verdicts_check_every_slo_of_the_scenario(factory: ResultFactory, tmp_path: Path) -> None:
    runs = load_runs([factory.run(tmp_path, "main", factory.result(slos=SLOS))])
    first = headline(runs)
    assert [str(v.slo) for v in first.verdicts] == SLOS
    assert [v.checks[0].passed for v in first.verdicts] == [True, False]
    assert not first.passed


def test_a_stations_card_shows_its_peak_and_the_hour_of_it(
    factory: ResultFactory, tmp_path: Path
) -> None:
    result = factory.result()
    result.scenario.resolved["start_hour"] = 18
    result.metrics["utilization.db"] = Metric(value=0.3, unit="ratio")
    run_dir = factory.run(tmp_path, "main", result, timeseries=False)
    band = ([0.1, 0.8, 0.2], [0.3, 1.0, 0.4])
    series = Timeseries(
        [0.0, 1.0, 2.0], {"utilization.db": [0.2, 0.9, 0.3]}, {"utilization.db": band}
    )
    write_timeseries(run_dir, series)
    card = _cards(headline(load_runs([run_dir])))["utilization.db"]
    (reading,) = card.readings  # type: ignore[attr-defined]
    assert card.label == "Database utilisation, peak"  # type: ignore[attr-defined]
    assert (reading.value.value, reading.value.ci95) == (0.9, (0.8, 1.0))
    assert reading.note == "peak at 19:00; run mean 30 %"


def test_retention_shows_the_longest_horizon_the_run_measured(
    factory: ResultFactory, tmp_path: Path
) -> None:
    spec = {
        **factory.metrics,
        "users.retention_d1": (0.6, 0.01, "ratio"),
        "users.retention_d7": (0.4, 0.01, "ratio"),
    }
    runs = load_runs([factory.run(tmp_path, "main", factory.result(spec))])
    cards = _cards(headline(runs))
    assert "users.retention_d7" in cards and "users.retention_d1" not in cards


def test_a_comparisons_cards_carry_the_comparisons_tested_changes(
    factory: ResultFactory, tmp_path: Path
) -> None:
    base = factory.run(tmp_path, "a", factory.result())
    other = factory.run(tmp_path, "b", factory.result(factory.shifted("users.dau", 0.9)))
    runs = load_runs([base, other])
    tested = {row.metric: row.changes[0] for row in compare_runs(runs).rows}
    cards = _cards(headline(runs))
    assert cards["users.dau"].changes == [tested["users.dau"]]  # type: ignore[attr-defined]
    assert tested["users.dau"].verdict == "worse"


def test_the_terminal_summary_prints_verdicts_before_headline_numbers(
    factory: ResultFactory, tmp_path: Path
) -> None:
    runs = load_runs([factory.run(tmp_path, "main", factory.result(slos=SLOS))])
    console = Console(record=True, width=120)
    console.print(headline_console(headline(runs)))
    text = console.export_text()
    assert text.index("1 of 2 SLO checks failed") < text.index("Headline numbers")
    assert "FAIL" in text and "PASS" in text
    numbers = text[text.index("Headline numbers") :]
    assert numbers.index("Daily active users") < numbers.index("Total revenue")
    assert numbers.index("Total revenue") < numbers.index("Error rate")


def test_a_comparison_names_the_headline_numbers_that_moved_or_says_none_did(
    factory: ResultFactory, tmp_path: Path
) -> None:
    base = factory.run(tmp_path, "a", factory.result())
    same = factory.run(tmp_path, "b", factory.result())
    fewer = factory.run(tmp_path, "c", factory.result(factory.shifted("users.dau", 0.9)))
    lines = moved_lines(headline(load_runs([base, same, fewer])))
    assert lines[0] == "b against a: no headline number changed significantly"
    assert re.fullmatch(
        r"c against a, changed significantly: Daily active users -\d+\.\d % ▼ worse \(q=\S+\)",
        lines[1],
    )


def test_a_single_runs_card_says_its_interval_is_from_within_the_run(
    factory: ResultFactory, tmp_path: Path
) -> None:
    """The method is the card's small print and its tooltip, and the terminal's note."""
    result = factory.result(replications=1)
    p99 = Metric(value=45.0, unit="ms", ci95=(41.6, 52.2), interval="order-statistic")
    result.metrics["latency.timeline_read.p99_ms"] = p99
    runs = load_runs([factory.run(tmp_path, "main", result)])
    page = headline_html(headline(runs))
    assert 'title="95 % within-run interval (order statistic)"' in page
    assert ">within run, order statistic<" in page
    assert "one replication, so intervals are within-run" in page
    console = Console(record=True, width=200)
    console.print(headline_console(headline(runs)))
    assert "95 % CI 41.6 ms – 52.2 ms (within run, order statistic)" in console.export_text()


def test_a_single_run_without_within_run_intervals_says_it_has_none(
    factory: ResultFactory, tmp_path: Path
) -> None:
    """A load test of one run has no interval to explain: the note says so, not 'within'."""
    runs = load_runs([factory.run(tmp_path, "lt", factory.result(replications=1))])
    page = headline_html(headline(runs))
    assert "lt: one replication, so no 95 % intervals" in page and "within-run" not in page


@pytest.mark.parametrize(("replications", "method"), [(1, "compound-poisson"), (3, "replications")])
def test_a_stations_peak_band_is_within_run_for_one_replication(
    factory: ResultFactory, tmp_path: Path, replications: int, method: str
) -> None:
    run_dir = factory.run(tmp_path, "main", factory.result(replications=replications), False)
    band = ([0.1, 0.8], [0.3, 1.0])
    write_timeseries(
        run_dir, Timeseries([0.0, 1.0], {"utilization.db": [0.2, 0.9]}, {"utilization.db": band})
    )
    (reading,) = _cards(headline(load_runs([run_dir])))["utilization.db"].readings  # type: ignore[attr-defined]
    assert (reading.value.ci95, reading.value.interval) == ((0.8, 1.0), method)
