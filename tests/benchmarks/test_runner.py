"""The runner and report on trivial benchmarks: the shape of the JSON and table, not timings."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from rich.console import Console

from benchmarks.__main__ import main
from benchmarks.report import render, suite_report, write_json
from benchmarks.runner import Benchmark, Measured, Ratio, Repeat, Skipped, Spread, run_benchmark
from benchmarks.suite import select


def counting(values: list[float], notes: tuple[str, ...] = ()) -> Benchmark:
    """A benchmark whose repeats return `values` in turn, with a constant reference of 2."""
    feed = iter(values)

    @contextmanager
    def prepare(quick: bool) -> Iterator[Repeat]:
        yield lambda: Measured({"work": next(feed), "reference": 2.0}, notes)

    return Benchmark(
        name="trivial",
        description="counts",
        prepare=prepare,
        units={"work": "ops/s", "reference": "ops/s"},
        ratios={"ratio.work": Ratio("work", "reference"), "ratio.absent": Ratio("x", "reference")},
        repeats=4,
        quick_repeats=3,
    )


def failing(error: Exception) -> Benchmark:
    @contextmanager
    def prepare(quick: bool) -> Iterator[Repeat]:
        raise error
        yield  # pragma: no cover

    return Benchmark("broken", "fails", prepare, units={})


def test_spread_reports_median_range_and_interquartile_range() -> None:
    spread = Spread.of([4.0, 1.0, 3.0, 2.0, 5.0])
    assert (spread.median, spread.min, spread.max) == (3.0, 1.0, 5.0)
    assert (spread.q1, spread.q3) == (2.0, 4.0)


def test_quick_runs_fewer_repeats_and_ratios_are_taken_per_repeat() -> None:
    """Each number and each ratio gets median, min-max and IQR over the quick repeats."""
    record = run_benchmark(counting([2.0, 4.0, 6.0]), quick=True)
    assert record["status"] == "ok" and record["repeats"] == 3
    work = record["metrics"]["work"]
    assert work["unit"] == "ops/s" and work["values"] == [2.0, 4.0, 6.0]
    assert (work["median"], work["min"], work["max"]) == (4.0, 2.0, 6.0)
    ratio = record["ratios"]["ratio.work"]
    assert ratio["values"] == [1.0, 2.0, 3.0] and ratio["median"] == 2.0
    assert ratio["numerator"] == "work" and ratio["reference"] == "reference"
    assert len(ratio["iqr"]) == 2


def test_ratio_without_operands_is_skipped_with_the_notes_as_reason() -> None:
    record = run_benchmark(counting([1.0] * 4, notes=("x: tool missing",)), quick=False)
    assert record["repeats"] == 4
    assert record["ratios"]["ratio.absent"]["skipped"] == "x: tool missing"
    assert record["notes"] == ["x: tool missing"]


def test_skip_and_crash_are_reported_not_raised() -> None:
    skipped = run_benchmark(failing(Skipped("no wrk")), quick=True)
    crashed = run_benchmark(failing(RuntimeError("boom")), quick=True)
    assert (skipped["status"], skipped["reason"]) == ("skipped", "no wrk")
    assert crashed["status"] == "crashed" and "RuntimeError: boom" in crashed["reason"]


def test_report_json_names_machine_date_commit_and_table_lists_every_number(
    tmp_path: Path,
) -> None:
    report = suite_report([run_benchmark(counting([2.0, 4.0, 6.0]), quick=True)], quick=True)
    write_json(tmp_path / "out.json", report)
    loaded = orjson.loads((tmp_path / "out.json").read_bytes())
    assert {"host", "cpu_count", "python", "platform"} <= loaded["machine"].keys()
    assert {"date", "git_commit", "quick", "benchmarks"} <= loaded.keys()
    out = io.StringIO()
    render(loaded, Console(file=out, width=200))
    table = out.getvalue()
    for name in ("work", "reference", "ratio.work", "ratio.absent", "skipped", "median", "IQR"):
        assert name in table


def test_only_selects_known_benchmarks_and_rejects_unknown_names() -> None:
    assert [b.name for b in select("fanout")] == ["fanout"]
    with pytest.raises(ValueError, match="nosuch"):
        select("fanout,nosuch")
    assert CliRunner().invoke(main, ["--only", "nosuch"]).exit_code == 2


def test_a_failed_check_keeps_the_numbers_and_fails_the_suite(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A correctness failure (an unbalanced ledger) is not a result: status failed, exit 1."""

    @contextmanager
    def prepare(quick: bool) -> Iterator[Repeat]:
        yield lambda: Measured({"work": 1.0}, failures=("ledger audit: off by 1 fen",))

    wrong = Benchmark("wrong", "fast but wrong", prepare, units={"work": "ops/s"})
    record = run_benchmark(wrong, quick=True)
    assert record["status"] == "failed" and record["reason"] == "ledger audit: off by 1 fen"
    assert record["metrics"]["work"]["values"] == [1.0] * 3
    out = io.StringIO()
    render(suite_report([record], quick=True), Console(file=out, width=200))
    assert "wrong FAILED" in out.getvalue() and "work" in out.getvalue()
    monkeypatch.setattr("benchmarks.__main__.select", lambda only: [wrong])
    assert CliRunner().invoke(main, ["--quick"]).exit_code == 1
