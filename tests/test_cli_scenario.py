"""`fanout validate` and `fanout schema`: exit codes, output, and no files written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import fanout
from scenario import scenario_json_schema

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
SHIPPED = sorted(str(path) for path in SCENARIOS.glob("*.yaml"))


def snapshot(*roots: Path) -> dict[str, float]:
    """Every file under `roots` with its modification time."""
    return {str(path): path.stat().st_mtime for root in roots for path in root.rglob("*")}


def test_validate_accepts_every_shipped_scenario() -> None:
    result = CliRunner().invoke(fanout, ["validate", *SHIPPED])
    assert result.exit_code == 0, result.output
    assert result.output.count("OK") == len(SHIPPED)


def test_validate_exits_2_and_lists_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("economy:\n  ads:\n    load: 1.5\nseed: -3\n", encoding="utf-8")
    result = CliRunner().invoke(fanout, ["validate", SHIPPED[0], str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:3: economy.ads.load: must be >= 0 and < 1, got 1.5" in result.output
    assert f"{bad}:4: seed: must be >= 0, got -3" in result.output


def test_validate_applies_set_overrides_and_rejects_unknown_paths() -> None:
    baseline = str(SCENARIOS / "baseline.yaml")
    runner = CliRunner()
    assert (
        runner.invoke(fanout, ["validate", baseline, "--set", "economy.ads.load=0.2"]).exit_code
        == 0
    )
    result = runner.invoke(fanout, ["validate", baseline, "--set", "economy.ads.lode=0.2"])
    assert result.exit_code == 2
    assert "economy.ads.lode" in result.output


def test_validate_json_reports_each_file_as_data(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    result = CliRunner().invoke(fanout, ["validate", "--json", SHIPPED[0], str(missing)])
    assert result.exit_code == 2
    good, bad = json.loads(result.output)
    assert good["ok"] and good["problems"] == []
    assert not bad["ok"]
    assert bad["problems"] == [{"path": "", "message": "no such file", "line": None}]


def test_validate_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    before = snapshot(SCENARIOS)
    monkeypatch.chdir(tmp_path)
    runner.invoke(fanout, ["validate", "--json", *SHIPPED])
    runner.invoke(fanout, ["validate", "missing.yaml"])
    assert os.listdir(tmp_path) == []
    assert snapshot(SCENARIOS) == before


def test_schema_prints_json_schema_with_the_top_level_sections() -> None:
    result = CliRunner().invoke(fanout, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert {"population", "behaviour", "economy", "churn", "platform", "slos", "loadtest"} <= set(
        schema["properties"]
    )


def test_schema_out_writes_the_same_schema_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "scenario.schema.json"
    result = CliRunner().invoke(fanout, ["schema", "--out", str(out)])
    assert result.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == scenario_json_schema()


def test_schema_out_to_an_unwritable_place_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(fanout, ["schema", "--out", str(tmp_path / "no" / "s.json")])
    assert result.exit_code == 2


def test_both_commands_show_an_example_in_their_help() -> None:
    for command in ("validate", "schema"):
        result = CliRunner().invoke(fanout, [command, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output
