"""The compare, gate and report commands: output, exit codes 0/1/2 and clear bad-input errors."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from cli import fanout
from outcomes.result import SCHEMA_VERSION

if TYPE_CHECKING:
    from conftest import ResultFactory

LATENCY = "latency.timeline_read.p95_ms"
NOW = SCHEMA_VERSION


def invoke(*args: str | Path) -> tuple[int, str, str]:
    outcome = CliRunner().invoke(fanout, [str(a) for a in args])
    return outcome.exit_code, outcome.stdout, outcome.stderr


@pytest.fixture
def main_and_slower_pr(factory: ResultFactory, tmp_path: Path) -> tuple[Path, Path]:
    main = factory.run(tmp_path, "main", factory.result())
    pr = factory.run(tmp_path, "pr", factory.result(factory.shifted(LATENCY, 1.25)))
    return main, pr


def test_gate_exits_0_when_every_check_passes(
    main_and_slower_pr: tuple[Path, Path], factory: ResultFactory, tmp_path: Path
) -> None:
    main, pr = main_and_slower_pr
    junit = tmp_path / "junit.xml"
    limits = ("--max-regression", "latency.*=50%", "--slo", "errors.rate < 0.05")
    code, stdout, _ = invoke("gate", pr, "--baseline", main, *limits, "--junit", junit)
    assert code == 0, stdout
    assert "PASSED" in stdout
    root = ET.parse(junit).getroot()
    latency_metrics = sum(name.startswith("latency.") for name in factory.metrics)
    assert len(root.findall(".//testcase")) == 1 + latency_metrics
    assert root.findall(".//failure") == []


def test_gate_exits_1_on_a_regression_and_its_junit_counts_the_failures(
    main_and_slower_pr: tuple[Path, Path], tmp_path: Path
) -> None:
    main, pr = main_and_slower_pr
    junit, summary = tmp_path / "ci" / "junit.xml", tmp_path / "summary.md"
    limits = ("--max-regression", "latency.*=10%", "--slo", "users.dau < 1")
    outputs = ("--junit", junit, "--summary", summary)
    code, stdout, _ = invoke("gate", pr, "--baseline", main, *limits, *outputs)
    assert code == 1
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None
    failed = [c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None]
    assert failed == ["users.dau < 1", f"{LATENCY} regression <= 10%"]
    assert "FAILED" in stdout and "FAILED" in summary.read_text(encoding="utf-8")


def test_gate_json_reports_every_check(main_and_slower_pr: tuple[Path, Path]) -> None:
    _, pr = main_and_slower_pr
    code, stdout, _ = invoke("gate", pr, "--slo", "users.dau < 1", "--json")
    assert code == 1
    assert json.loads(stdout)["checks"][0]["name"] == "users.dau < 1"


def _write(path: Path, text: str) -> Path:
    path.mkdir(parents=True)
    (path / "summary.json").write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"kind": "simulation", "metrics": {', "is not valid JSON"),
        ('{"name": "left-pad", "version": "1.3.0"}', "is not a fanout Result: field 'kind'"),
        ('{"schema_version": 99}', f"schema_version 99, newer than this fanout reads (up to {NOW}"),
    ],
    ids=["corrupt", "foreign", "newer-schema"],
)
def test_unreadable_results_exit_2_with_the_reason_and_file_on_stderr(
    main_and_slower_pr: tuple[Path, Path], tmp_path: Path, text: str, message: str
) -> None:
    main, _ = main_and_slower_pr
    bad = _write(tmp_path / "bad", text)
    for args in (
        ("gate", bad, "--slo", "errors.rate < 1"),
        ("compare", main, bad),
        ("report", bad),
    ):
        code, stdout, stderr = invoke(*args)
        assert code == 2, (args, stdout)
        assert message in stderr and str(bad / "summary.json") in stderr


def test_gate_bad_flags_exit_2(main_and_slower_pr: tuple[Path, Path]) -> None:
    main, pr = main_and_slower_pr
    assert invoke("gate", pr, "--slo", "latency is fine")[0] == 2
    assert invoke("gate", pr, "--baseline", main, "--max-regression", "latency.*")[0] == 2
    code, _, stderr = invoke("gate", pr)
    assert (code, "nothing to check" in stderr) == (2, True)


def test_compare_prints_markdown_and_saves_overlay_plots(
    main_and_slower_pr: tuple[Path, Path], tmp_path: Path
) -> None:
    main, pr = main_and_slower_pr
    options = ("-m", "latency.*", "--format", "markdown", "--plot", tmp_path / "plots")
    code, stdout, stderr = invoke("compare", main, pr, *options)
    assert code == 0
    assert stdout.splitlines()[0] == "| metric | unit | main | pr | Δ pr |"
    assert "worse" in next(line for line in stdout.splitlines() if LATENCY in line)
    assert len(list((tmp_path / "plots").glob("*.png"))) == 2
    assert "wrote 2 plots" in stderr


def test_compare_json_and_table(main_and_slower_pr: tuple[Path, Path]) -> None:
    main, pr = main_and_slower_pr
    code, stdout, _ = invoke("compare", main, pr, "--json")
    assert code == 0 and json.loads(stdout)["runs"] == ["main", "pr"]
    code, stdout, _ = invoke("compare", main, pr)
    assert code == 0 and "fanout compare" in stdout


def test_compare_of_one_run_or_unmatched_patterns_exits_2(
    main_and_slower_pr: tuple[Path, Path],
) -> None:
    main, pr = main_and_slower_pr
    assert invoke("compare", main)[0] == 2
    assert invoke("compare", main, pr, "-m", "nope.*")[0] == 2


def test_report_writes_a_self_contained_html_file(
    main_and_slower_pr: tuple[Path, Path], tmp_path: Path
) -> None:
    main, pr = main_and_slower_pr
    out = tmp_path / "comparison.html"
    code, stdout, _ = invoke("report", main, pr, "--out", out)
    assert code == 0 and str(out) in stdout
    assert "data:image/png;base64," in out.read_text(encoding="utf-8")
    code, stdout, _ = invoke("report", main, "--json")
    assert code == 0 and json.loads(stdout)["report"] == str(main / "report.html")


@pytest.mark.parametrize("command", ["compare", "gate", "report"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    code, stdout, _ = invoke(command, "--help")
    assert code == 0 and f"fanout {command} " in stdout and "Example" in stdout
