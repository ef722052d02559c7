"""Gate outputs: JUnit XML a CI system parses, an appendable markdown summary, JSON."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

from outcomes.gate import GateReport, run_gate
from outcomes.gate_render import append_summary, gate_data, gate_junit

if TYPE_CHECKING:
    from conftest import ResultFactory


def _report(factory: ResultFactory) -> GateReport:
    slos = ["errors.rate < 0.5", "users.dau < 1", "latency.search.p99_ms < 9"]
    return run_gate(factory.result(), slos)


def test_junit_has_a_testcase_per_check_and_a_failure_per_failed_check(
    factory: ResultFactory,
) -> None:
    suite = ET.fromstring(gate_junit(_report(factory))).find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    failures = [case for case in cases if case.find("failure") is not None]
    assert (len(cases), len(failures)) == (3, 2)
    assert (suite.get("tests"), suite.get("failures")) == ("3", "2")
    assert [case.get("name") for case in failures] == ["users.dau < 1", "latency.search.p99_ms < 9"]


def test_the_markdown_summary_is_appended_to_an_existing_file(
    factory: ResultFactory, tmp_path: Path
) -> None:
    summary = tmp_path / "step_summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    append_summary(_report(factory), summary)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# earlier step\n")
    assert "## fanout gate FAILED: 1/3 checks passed" in text
    assert text.count("❌") == 2


def test_json_data_reports_the_verdict_and_every_check(factory: ResultFactory) -> None:
    data = json.loads(json.dumps(gate_data(_report(factory))))
    assert (data["passed"], data["failures"], len(data["checks"])) == (False, 2, 3)
    assert data["checks"][2]["observed"] is None
