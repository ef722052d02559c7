"""A gate's checks for people and CI systems: terminal table, JUnit XML, markdown, JSON.

JUnit XML makes each check a test case, so CI systems show failed checks the way they show
failed tests. The markdown summary is appended, because GitHub's step summary file collects
every step's output.
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.table import Table

from outcomes.formatting import number
from outcomes.gate import Check, GateReport

SUITE_NAME = "fanout gate"


def gate_table(report: GateReport) -> Table:
    table = Table("", "check", "observed", "detail", title=_headline(report))
    for check in report.checks:
        mark = "[green]PASS[/]" if check.passed else "[red]FAIL[/]"
        table.add_row(mark, *(escape(cell) for cell in _cells(check)))
    return table


def gate_junit(report: GateReport) -> str:
    """JUnit XML: one suite, one test case per check, a `<failure>` for each failed one."""
    suites = ET.Element("testsuites")
    suite = ET.SubElement(suites, "testsuite", name=SUITE_NAME, tests=str(len(report.checks)))
    suite.set("failures", str(len(report.failures)))
    suite.set("errors", "0")
    for check in report.checks:
        case = ET.SubElement(suite, "testcase", classname=f"fanout.gate.{check.kind}")
        case.set("name", check.name)
        if not check.passed:
            failure = ET.SubElement(case, "failure", message=check.message)
            failure.text = f"observed {_observed(check)}; expected {check.expected}"
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def gate_markdown(report: GateReport) -> str:
    """A `##` headline and a table of checks, for a pull request or step summary."""
    lines = [f"## {_headline(report)}", "", "| | check | observed | detail |"]
    lines.append("| --- | --- | --- | --- |")
    for check in report.checks:
        mark = "✅" if check.passed else "❌"
        cells = [mark, *(cell.replace("|", "\\|") for cell in _cells(check))]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n\n"


def gate_data(report: GateReport) -> dict[str, Any]:
    return {
        "passed": report.passed,
        "failures": len(report.failures),
        "checks": [dataclasses.asdict(check) for check in report.checks],
    }


def write_junit(report: GateReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(gate_junit(report), encoding="utf-8")


def append_summary(report: GateReport, path: Path) -> None:
    """Append the markdown summary, creating the file (and its directory) when missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(gate_markdown(report))


def _headline(report: GateReport) -> str:
    verdict = "PASSED" if report.passed else "FAILED"
    passed = len(report.checks) - len(report.failures)
    return f"fanout gate {verdict}: {passed}/{len(report.checks)} checks passed"


def _cells(check: Check) -> list[str]:
    return [check.name, _observed(check), check.message]


def _observed(check: Check) -> str:
    return "missing" if check.observed is None else number(check.observed)
